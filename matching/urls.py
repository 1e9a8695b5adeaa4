from django.urls import path

from matching import views

urlpatterns = [
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("staff/requests/<int:pk>/matching/", views.request_matching, name="request_matching"),
    path("staff/week/", views.week_planner, name="week_planner"),
    path("visits/<int:pk>/release/", views.visit_release, name="visit_release"),
    path("requests/<int:pk>/backup/", views.backup_choose, name="backup_choose"),
]
