from django.urls import path

from matching import views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("staff/requests/<int:pk>/matching/", views.request_matching, name="request_matching"),
]
