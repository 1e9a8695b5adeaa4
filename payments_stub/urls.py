from django.urls import path

from payments_stub import views

urlpatterns = [
    path("payments/earnings/", views.earnings, name="earnings"),
    path("payments/visits/<int:visit_pk>/hours/", views.hours_log, name="hours_log"),
    path("payments/hours/<int:pk>/", views.hours_review, name="hours_review"),
    path("payments/statements/", views.statements, name="statements"),
    path("payments/statements/<int:pk>/", views.statement, name="statement"),
    path("payments/statements/<int:pk>/csv/", views.statement_csv, name="statement_csv"),
    path("payments/certificate/<int:year>/", views.certificate, name="certificate"),
    path("payments/mutuality/", views.mutuality, name="mutuality"),
    path("staff/billing/", views.billing_overview, name="billing_overview"),
    path(
        "staff/billing/statements/<int:pk>/refund/",
        views.statement_refund,
        name="statement_refund",
    ),
    path("staff/disputes/", views.disputes, name="disputes"),
    path("staff/disputes/<int:pk>/", views.dispute_settle, name="dispute_settle"),
]
