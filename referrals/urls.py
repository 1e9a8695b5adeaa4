from django.urls import path

from referrals import views

urlpatterns = [
    path("staff/cases/", views.queue, name="case_queue"),
    path("staff/cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("staff/cases/<int:pk>/move/", views.case_move, name="case_move"),
    path("staff/cases/<int:pk>/consent/", views.case_consent, name="case_consent"),
    path("staff/cases/<int:pk>/referral/", views.case_referral, name="case_referral"),
    path("staff/cases/<int:pk>/alert/", views.case_alert, name="case_alert"),
    path("staff/social-map/", views.social_map, name="social_map"),
    path("staff/social-map/<uuid:pk>/", views.service_edit, name="service_edit"),
    path("consents/", views.my_consents, name="my_consents"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("talk-to-a-coordinator/", views.talk_to_coordinator, name="talk_to_coordinator"),
    path("notices/dismiss/", views.notice_dismiss, name="notice_dismiss"),
    path("visits/<int:pk>/report/", views.visit_report, name="visit_report"),
]
