def display(request):
    """Display preferences that every page honours (the "larger text" switch)."""
    return {"large_text": request.COOKIES.get("text_size") == "large"}
