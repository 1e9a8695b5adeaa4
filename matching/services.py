"""Invitations, answers, the helppie's choice, and the backup for recurring help.

The flow: a posted request invites its best candidates (`invitations_send`); each answers
interested or not (`invitation_answer`); an interested answer becomes an offer the helppie (or a
coordinator) chooses from (`offer_choose`). When nobody is interested in time, the next
candidates are invited (`invitations_sweep`). In a weekly series the chosen helpper keeps every
visit; when they cannot make one (`visit_release`), the named backup is asked first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import services as marketplace_services
from marketplace.models import HelpRequest, Lapse, Offer, User, Visit
from matching import ranking, search
from matching.models import Invitation
from payments_stub import services as payments

# The request's next open visit and the helppers who already helped this person, in one query.
_NEXT_VISIT_SQL = f"""
    SELECT next.starts_at, next.ends_at, ARRAY({ranking.FAMILIAR_SQL})
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT v.starts_at, v.ends_at FROM marketplace_visit v
        WHERE v.request_id = %(request)s AND v.status = '{Visit.Status.OPEN}'
        ORDER BY v.starts_at, v.id LIMIT 1
    ) AS next ON true
"""


def candidates_for(
    *,
    request: HelpRequest,
    visit: Visit | None = None,
    limit: int = 30,
    exclude: list[int] | None = None,
) -> list[ranking.Candidate]:
    """Eligible helppers for a request's next open visit (or the given one), best first.

    Three queries whatever the number of candidates: the next open visit with the familiar
    helppers, the indexed search, and their histories.
    """
    if visit is None:
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_VISIT_SQL, {"request": request.pk, "helppie": request.helppie_id})
            starts_at, ends_at, familiar = cursor.fetchone()
        if starts_at is None:
            return []
        need = search.Need.at(request, starts_at=starts_at, ends_at=ends_at)
    else:
        need = search.Need.for_visit(visit, request)
        familiar = ranking.familiar_helppers(request.helppie_id)
    found = search.eligible_helppers(need, limit=limit, familiar=familiar, exclude=exclude)
    known = ranking.histories(
        helppie_id=request.helppie_id, helpper_ids=[f.helpper_id for f in found]
    )
    return ranking.rank(need, found, known, request.helppie.first_name)


def _already_asked(request: HelpRequest, visit: Visit | None) -> list[int]:
    invited = Invitation.objects.filter(request=request, visit=visit).values_list(
        "helpper", flat=True
    )
    offered = request.offers.values_list("helpper", flat=True) if visit is None else []
    return list({*invited, *offered})


def _expiry(visit: Visit | None) -> datetime:
    expires = timezone.now() + timedelta(hours=settings.MATCHING_INVITATION_HOURS)
    if visit is not None:
        # Leave time to organise: an invitation for one visit closes two hours before it.
        expires = min(expires, visit.starts_at - timedelta(hours=2))
    return expires


def invitations_schedule(*, request: HelpRequest) -> None:
    """After a request is posted: invite its candidates in the background, once committed."""
    from matching import tasks

    transaction.on_commit(lambda: tasks.invite_for_request.enqueue(request.pk))


def invitations_send(
    *, request: HelpRequest, visit: Visit | None = None, count: int | None = None
) -> list[Invitation]:
    """Invite the best candidates not yet asked; their emails go out after commit.

    For the whole request (`visit` None), asked about its next open visit, or for one visit.
    Returns the invitations created (none when nobody else can help).
    """
    count = count or settings.MATCHING_INVITE_COUNT
    if request.status != HelpRequest.Status.OPEN and visit is None:
        return []
    asked = _already_asked(request, visit)
    best = candidates_for(request=request, visit=visit, exclude=asked, limit=max(30, 3 * count))
    start = len(asked)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            request=request,
            visit=visit,
            helpper_id=candidate.helpper_id,
            rank=start + n + 1,
            score=candidate.score,
            reasons=candidate.reasons,
            expires_at=_expiry(visit),
        )
        for n, candidate in enumerate(best[:count])
    )
    _after_commit_notify(invitations)
    return invitations


def _after_commit_notify(invitations: list[Invitation]) -> None:
    from matching import tasks

    for invitation in invitations:
        transaction.on_commit(lambda pk=invitation.pk: tasks.send_invitation_email.enqueue(pk))
    if invitations:
        transaction.on_commit(lambda at=invitations[0].expires_at: tasks.schedule_sweep(at))


def invitation_answer(*, invitation: Invitation, helpper: User, interested: bool) -> Invitation:
    """The invited helpper answers. For one visit, the first interested helpper takes it.

    Rows are locked in one order everywhere (request, then visit, then invitation), so answers,
    choices and hand-overs racing on the same request wait for each other instead of deadlocking.
    """
    with transaction.atomic():
        _lock(request_id=invitation.request_id, visit_id=invitation.visit_id)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.helpper_id != helpper.pk:
            raise PermissionDenied
        if invitation.status == Invitation.Status.CLOSED:
            raise ValidationError(
                _("Someone else has already taken this visit. Thank you all the same!")
                if invitation.visit_id
                else _("Someone else has already been chosen. Thank you all the same!")
            )
        if invitation.status != Invitation.Status.INVITED:
            raise ValidationError(_("You have already answered this invitation."))
        if invitation.expires_at <= timezone.now():
            raise ValidationError(_("This invitation has expired. Thank you all the same!"))
        invitation.answered_at = timezone.now()
        if not interested:
            invitation.status = Invitation.Status.DECLINED
            invitation.save(update_fields=["status", "answered_at"])
            transaction.on_commit(
                lambda: _refill_if_nobody(invitation.request_id, invitation.visit_id)
            )
            return invitation
        if invitation.visit_id:
            _take_visit(invitation)
        else:
            _offer_from(invitation)
        invitation.status = Invitation.Status.INTERESTED
        invitation.save(update_fields=["status", "answered_at"])
    return invitation


def _lock(*, request_id: int, visit_id: int | None = None) -> None:
    list(HelpRequest.objects.select_for_update().filter(pk=request_id).values_list("pk"))
    if visit_id is not None:
        list(Visit.objects.select_for_update().filter(pk=visit_id).values_list("pk"))


def _offer_from(invitation: Invitation) -> None:
    request = invitation.request
    if request.status != HelpRequest.Status.OPEN:
        raise ValidationError(_("Someone else has already been chosen. Thank you all the same!"))
    if not request.offers.filter(helpper=invitation.helpper).exists():
        Offer.objects.create(request=request, helpper=invitation.helpper)


def _take_visit(invitation: Invitation) -> None:
    visit = Visit.objects.select_for_update().get(pk=invitation.visit_id)
    if visit.status != Visit.Status.OPEN:
        raise ValidationError(
            _("Someone else has already taken this visit. Thank you all the same!")
        )
    payments.ensure_below_cap(invitation.helpper, year=timezone.localtime(visit.starts_at).year)
    visit.helpper, visit.status = invitation.helpper, Visit.Status.PLANNED
    visit.save(update_fields=["helpper", "status"])
    Invitation.objects.filter(visit=visit, status=Invitation.Status.INVITED).exclude(
        pk=invitation.pk
    ).update(status=Invitation.Status.CLOSED)


def offer_choose(*, offer: Offer, by: User) -> Offer:
    """The helppie (or a coordinator) chooses; exactly one wins; other invitations close."""
    with transaction.atomic():
        offer = marketplace_services.offer_accept(offer=offer, by=by)
        Invitation.objects.filter(
            request_id=offer.request_id,
            visit__isnull=True,
            status__in=[Invitation.Status.INVITED, Invitation.Status.INTERESTED],
        ).exclude(helpper=offer.helpper).update(status=Invitation.Status.CLOSED)
    return offer


def _refill_if_nobody(request_id: int, visit_id: int | None) -> list[Invitation]:
    """Invite the next candidates when nobody asked is still thinking or willing."""
    request = HelpRequest.objects.select_related("place", "helppie").get(pk=request_id)
    visit = Visit.objects.filter(pk=visit_id).first() if visit_id else None
    if visit is not None and (
        visit.status != Visit.Status.OPEN or visit.starts_at <= timezone.now()
    ):
        return []
    if visit is None and request.status != HelpRequest.Status.OPEN:
        return []
    waiting = Invitation.objects.filter(
        request=request,
        visit=visit,
        status=Invitation.Status.INVITED,
        expires_at__gt=timezone.now(),
    )
    if waiting.exists() or (
        visit is None and request.offers.filter(status=Offer.Status.PENDING).exists()
    ):
        return []
    return invitations_send(request=request, visit=visit)


def invitations_sweep(*, now: datetime | None = None) -> int:
    """Expire unanswered invitations and invite the next candidates where nobody is left.

    Returns how many invitations expired. Safe to run often and from several workers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(status=Invitation.Status.INVITED, expires_at__lte=now)
            .values_list("pk", "request_id", "visit_id")
        )
        Invitation.objects.filter(pk__in=[pk for pk, _r, _v in expired]).update(
            status=Invitation.Status.EXPIRED
        )
    for request_id, visit_id in {(r, v) for _pk, r, v in expired}:
        with transaction.atomic():
            _refill_if_nobody(request_id, visit_id)
    return len(expired)


def backup_set(*, request: HelpRequest, helpper: User, by: User) -> HelpRequest:
    """Name the helpper asked first when the usual one cannot make a visit of the series."""
    if by.pk != request.helppie_id and not by.is_staff:
        raise PermissionDenied
    if request.recurrence != HelpRequest.Recurrence.WEEKLY:
        raise ValidationError(_("A backup helpper is for help that comes back every week."))
    primary = (
        request.visits.filter(status=Visit.Status.PLANNED).values_list("helpper", flat=True).first()
    )
    if helpper.pk == primary:
        raise ValidationError(_("The backup must be someone other than the usual helpper."))
    if not hasattr(helpper, "helpper_profile") or not helpper.helpper_profile.is_available_for_work:
        raise ValidationError(_("This person cannot take visits at the moment."))
    request.backup_helpper = helpper
    request.save(update_fields=["backup_helpper"])
    return request


def visit_release(*, visit: Visit, by: User) -> list[Invitation]:
    """The helpper cannot make one visit: it reopens, the backup is asked first, then others.

    Letting go less than MATCHING_LATE_CANCEL_HOURS before counts against reliability.
    """
    with transaction.atomic():
        _lock(request_id=visit.request_id, visit_id=visit.pk)
        visit = Visit.objects.select_related("request").get(pk=visit.pk)
        if by.pk != visit.helpper_id and not by.is_staff:
            raise PermissionDenied
        if visit.status != Visit.Status.PLANNED or visit.starts_at <= timezone.now():
            raise ValidationError(_("Only a planned visit still to come can be handed over."))
        helpper = visit.helpper
        late = visit.starts_at - timezone.now() < timedelta(
            hours=settings.MATCHING_LATE_CANCEL_HOURS
        )
        if late:
            Lapse.objects.create(helpper=helpper, visit=visit, kind=Lapse.Kind.CANCELLED)
        visit.helpper, visit.status = None, Visit.Status.OPEN
        visit.save(update_fields=["helpper", "status"])
        # Recorded as their own "no" for this visit, so they are never asked to take it back.
        Invitation.objects.update_or_create(
            visit=visit,
            helpper=helpper,
            defaults={
                "request": visit.request,
                "rank": 0,
                "score": 0,
                "status": Invitation.Status.DECLINED,
                "answered_at": timezone.now(),
                "expires_at": timezone.now(),
            },
        )
        request = visit.request
        backup = request.backup_helpper
        if backup is not None and _can_do(request, visit, backup):
            invitation = Invitation.objects.create(
                request=request,
                visit=visit,
                helpper=backup,
                rank=0,
                score=0,
                reasons=[{"code": "backup"}],
                expires_at=_expiry(visit),
            )
            _after_commit_notify([invitation])
            return [invitation]
        return invitations_send(request=request, visit=visit)


def _can_do(request: HelpRequest, visit: Visit, helpper: User) -> bool:
    need = search.Need.for_visit(visit, request)
    return bool(search.eligible_helppers(need, limit=0, familiar=[helpper.pk]))
