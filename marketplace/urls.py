from django.urls import path

from marketplace import views, views_messages

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("near-me/", views.near_me, name="near_me"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("visits/<int:pk>/done/", views.visit_done, name="visit_done"),
    path("helpper/profile/", views.helpper_profile, name="helpper_profile"),
    path("helpper/availability/", views.availability_edit, name="availability"),
    path("helpper/calendar/new/", views.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("staff/intake/", views.intake, name="intake"),
    path("staff/helppers/vet/", views.helppers_to_vet, name="helppers_to_vet"),
    path("staff/helppers/vet/<int:pk>/", views.helpper_vet, name="helpper_vet"),
    path("messages/", views_messages.inbox, name="messages"),
    path(
        "messages/<int:request_pk>/<int:helpper_pk>/",
        views_messages.conversation,
        name="conversation",
    ),
    path("settings/language/", views.language_set, name="language_set"),
    path("settings/text-size/", views.text_size_set, name="text_size_set"),
]
