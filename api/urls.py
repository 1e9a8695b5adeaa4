"""/api/v1/ (the API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served locally;
its script is a file of its own, as the content security policy allows no inline script)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import helpper, messages, payments, people, requests, staff, visits

v1 = [
    path("me/", people.Me.as_view(), name="me"),
    path("requests/", requests.HelpRequestList.as_view(), name="requests"),
    path("requests/<int:pk>/", requests.HelpRequestDetail.as_view(), name="request"),
    path("requests/<int:pk>/visits/", requests.HelpRequestVisits.as_view(), name="request_visits"),
    path("requests/<int:pk>/offers/", requests.HelpRequestOffers.as_view(), name="request_offers"),
    path("offers/<int:pk>/accept/", requests.OfferAccept.as_view(), name="offer_accept"),
    path("feed/", helpper.Feed.as_view(), name="feed"),
    path("invitations/", helpper.Invitations.as_view(), name="invitations"),
    path(
        "invitations/<int:pk>/answer/",
        helpper.InvitationAnswer.as_view(),
        name="invitation_answer",
    ),
    path("earnings/", helpper.Earnings.as_view(), name="earnings"),
    path("visits/", visits.MyVisits.as_view(), name="visits"),
    path("visits/<int:pk>/", visits.VisitDetail.as_view(), name="visit"),
    path("visits/<int:pk>/done/", visits.VisitDone.as_view(), name="visit_done"),
    path("visits/<int:pk>/hours/", visits.VisitHours.as_view(), name="visit_hours"),
    path("hours/", visits.MyHours.as_view(), name="hours"),
    path(
        "hours/<int:pk>/validate/",
        visits.HoursAnswer.as_view(action="validate"),
        name="hours_validate",
    ),
    path(
        "hours/<int:pk>/dispute/",
        visits.HoursAnswer.as_view(action="dispute"),
        name="hours_dispute",
    ),
    path("statements/", payments.Statements.as_view(), name="statements"),
    path("statements/<int:pk>/", payments.StatementDetail.as_view(), name="statement"),
    path("conversations/", messages.Conversations.as_view(), name="conversations"),
    path(
        "conversations/<int:request_pk>/<int:helpper_pk>/messages/",
        messages.Thread.as_view(),
        name="thread",
    ),
    path("cases/", staff.Cases.as_view(), name="cases"),
    path("cases/<int:pk>/", staff.CaseDetail.as_view(), name="case"),
    path("cases/<int:pk>/move/", staff.CaseMove.as_view(), name="case_move"),
    path("social-map/", staff.SocialMap.as_view(), name="social_map"),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
