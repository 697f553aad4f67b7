"""The demo dossiers step: every state, consistent histories, idempotent, and the
demo citizen finds their own dossiers on "Hồ sơ của tôi"."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Membership, User
from dossiers import demo, selectors, services
from dossiers.documents import private_storage, sniff
from dossiers.exceptions import DossierPermissionError
from dossiers.models import Apology, Attachment, Dossier, DossierEvent, DossierState
from dossiers.permissions import can_act
from feedback.models import Rating
from notifications.models import SmsMessage
from procedures import demo as procedures_demo
from procedures.models import Procedure
from tests.notifications.factories import seed_templates

pytestmark = pytest.mark.django_db

SMALL = 30


@pytest.fixture
def demo_base() -> None:
    # `migrate` seeds the SMS wording before seed_demo runs; a transactional test
    # earlier in this worker may have emptied that table.
    seed_templates()
    accounts_demo.seed()
    procedures_demo.seed()


def _chain_errors(dossier: Dossier, events: list[DossierEvent]) -> list[str]:
    errors = []
    previous = "" if dossier.channel != Dossier.Channel.ONLINE else DossierState.DRAFT
    last_time = None
    for event in events:
        if event.action == "attach_document":
            if {event.from_state, event.to_state} != {previous}:
                errors.append(f"{dossier.pk}: attachment outside the chain")
            continue
        if event.from_state != previous:
            errors.append(
                f"{dossier.pk}: {event.action} from {event.from_state}, was {previous}"
            )
        if last_time is not None and event.created_at < last_time:
            errors.append(f"{dossier.pk}: {event.action} earlier than the step before")
        previous, last_time = event.to_state, event.created_at
    if dossier.state not in (DossierState.DRAFT, previous):
        errors.append(f"{dossier.pk}: ends in {previous}, dossier is {dossier.state}")
    return errors


def test_step_builds_consistent_dossiers_in_every_state(demo_base, client) -> None:
    before = timezone.now()
    demo.seed(size=SMALL)

    dossiers = list(Dossier.objects.prefetch_related("events"))
    states = Counter(dossier.state for dossier in dossiers)
    assert set(states) == set(DossierState.values)
    assert len(dossiers) == len(demo.plan(SMALL))

    # Codes: one per sent dossier, unique; drafts have none.
    codes = [d.code for d in dossiers if d.state != DossierState.DRAFT]
    assert all(codes)
    assert len(set(codes)) == len(codes)
    assert all(d.code is None for d in dossiers if d.state == DossierState.DRAFT)

    # Every history chains from state to state, in time order, in the past.
    errors = [
        error
        for dossier in dossiers
        for error in _chain_errors(dossier, list(dossier.events.all()))
    ]
    assert errors == []
    assert DossierEvent.objects.filter(created_at__gt=before).count() == 0
    assert {d.created_at.date() for d in dossiers} != {before.date()}

    # Every channel, the supplement loop with late-by-rule, apologies, payments.
    assert {d.channel for d in dossiers} == set(Dossier.Channel.values)
    assert any(d.late_by_rule for d in dossiers)
    assert any(
        d.state == DossierState.APPRAISING
        and d.events.filter(action="supplement").exists()
        for d in dossiers
    )
    apologies = list(Apology.objects.select_related("dossier"))
    assert apologies
    assert all(a.new_appointment > a.old_appointment for a in apologies)
    assert all(a.created_at <= before for a in apologies)
    for dossier in dossiers:
        if dossier.state in (DossierState.READY, DossierState.RETURNED):
            assert dossier.result.approved_by is not None
            assert dossier.timeliness

    # Each mandatory document of a sent dossier has a real, readable file.
    for dossier in dossiers:
        if dossier.state != DossierState.DRAFT:
            assert dossier.missing_mandatory_documents() == []
    attachment = Attachment.objects.order_by("?").first()
    assert attachment is not None
    assert attachment.uploaded_at <= before
    with private_storage().open(attachment.storage_name) as stored:
        assert sniff(io.BytesIO(stored.read())).content_type == (
            attachment.content_type
        )

    _assert_outbox_people_and_staff(dossiers, client)


def _assert_outbox_people_and_staff(dossiers: list[Dossier], client) -> None:
    # The citizen is told through the outbox, about the dossier's own code.
    for dossier in dossiers:
        rows = list(
            SmsMessage.objects.filter(dossier_id=dossier.pk).values_list(
                "event", "dossier_code", "phone"
            )
        )
        assert all(code == (dossier.code or "") for _e, code, _p in rows)
        assert all(phone == dossier.applicant_phone for _e, _c, phone in rows)
        if dossier.state == DossierState.RETURNED:
            assert "returned" in {event for event, _c, _p in rows}

    # Applicants look real: +84 mobiles and 12-digit IDs from Quảng Ninh (022).
    for dossier in dossiers:
        assert dossier.applicant_phone.startswith("+84")
        if dossier.applicant_type == Dossier.ApplicantType.CITIZEN:
            assert len(dossier.applicant_national_id) == 12
            assert dossier.applicant_national_id.startswith("022")

    # The demo citizen sees their own dossiers, in many states.
    citizen = User.objects.get(email=demo.CITIZEN_EMAIL)
    own = Dossier.objects.filter(owner=citizen)
    assert own.count() == len(demo.CITIZEN_SCENARIOS)
    assert own.values("state").distinct().count() >= 7
    client.force_login(citizen)
    page = client.get(reverse("dossiers:my-dossiers"))
    assert page.status_code == 200
    shown = own.exclude(state=DossierState.DRAFT).first()
    assert shown is not None
    assert shown.code in page.content.decode()

    # Every dossier can move: its clerk, specialist and leader exist.
    for dossier in dossiers:
        procedure = dossier.procedure
        assert Membership.objects.filter(
            agency=dossier.receiving_agency, role=Membership.Role.CLERK
        ).exists()
        for role in (Membership.Role.SPECIALIST, Membership.Role.LEADER):
            assert Membership.objects.filter(
                agency=procedure.competent_agency, role=role
            ).exists()


def test_seed_demo_end_to_end_is_idempotent(demo_base, settings, monkeypatch) -> None:
    settings.DEBUG = True
    monkeypatch.setattr(demo, "DEFAULT_SIZE", SMALL)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        SmsMessage.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )
    assert counts[0] == len(demo.plan(SMALL))

    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Dossier.objects.count(),
        DossierEvent.objects.count(),
        SmsMessage.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts

    printed = out.getvalue()
    lines = printed.splitlines()
    # The main logins come first, then the generated staff, compactly.
    assert lines.index(next(line for line in lines if "admin@" in line)) < min(
        index for index, line in enumerate(lines) if "000-00-18@" in line
    )
    assert "{chuyenvien,lanhdao}.000-00-18@demo.quangninh.vn" in printed
    assert "motcua.000-31-02@demo.quangninh.vn" in printed
    specialist = User.objects.get(email="chuyenvien.000-00-18@demo.quangninh.vn")
    assert specialist.check_password(accounts_demo.DEMO_PASSWORD)
    # feedback.demo runs after and rates the returned dossiers.
    assert Rating.objects.filter(dossier__state=DossierState.RETURNED).exists()


@pytest.mark.staff_mfa
def test_step_runs_while_staff_need_a_second_factor(demo_base, settings) -> None:
    """An older .env keeps STAFF_MFA_REQUIRED on: the demo still loads, and the
    rule holds again afterwards."""
    assert settings.STAFF_MFA_REQUIRED
    demo.seed(size=1)
    assert Dossier.objects.filter(state=DossierState.RETURNED).exists()
    assert settings.STAFF_MFA_REQUIRED
    dossier = Dossier.objects.filter(state=DossierState.APPRAISING).first()
    assert dossier is not None
    assert dossier.assigned_specialist is not None
    specialist = dossier.assigned_specialist
    assert can_act(specialist, dossier, "request_supplement")  # only the factor lacks
    with pytest.raises(DossierPermissionError):
        services.dossier_request_supplement(
            dossier=dossier,
            actor=specialist,
            reason="Thiếu bản sao",
            items_text="Bản sao có chứng thực",
        )


MAIN_SPECIALIST = "chuyenvien@demo.quangninh.vn"
MAIN_LEADER = "lanhdao@demo.quangninh.vn"
#: Enough dossiers for the main department to have some in every stage.
WIDER = 100


def test_main_logins_do_their_departments_work(demo_base) -> None:
    """chuyenvien@ and lanhdao@ are the specialist and leader of a department with
    province-level procedures: they get its dossiers, no generated colleague."""
    department = accounts_demo.MAIN_DEPARTMENT
    procedures = list(
        Procedure.objects.published().filter(competent_agency__code=department)
    )
    assert procedures, "the main logins' department must have procedures"

    logins = demo.seed(size=WIDER)

    slug = department.removesuffix(".H49").replace(".", "-")
    assert not User.objects.filter(email__contains=f".{slug}@").exists()
    assert not any(slug in login for login, _description in logins)
    ours = Dossier.objects.filter(procedure__competent_agency__code=department)
    assigned = set(
        ours.exclude(assigned_specialist=None).values_list(
            "assigned_specialist__email", flat=True
        )
    )
    assert assigned == {MAIN_SPECIALIST}
    signers = set(
        ours.exclude(result__approved_by=None).values_list(
            "result__approved_by__email", flat=True
        )
    )
    assert signers == {MAIN_LEADER}


def test_a_database_seeded_before_the_move_keeps_working(
    demo_base, monkeypatch
) -> None:
    """Seeded when chuyenvien@ and lanhdao@ were Sở Tư pháp's: their new department's
    dossiers went to generated staff. Seeding again moves the two logins (one
    membership each), adds no dossier and still lists the generated colleagues."""
    department = accounts_demo.MAIN_DEPARTMENT
    old_staff = tuple(
        (email, name, phone, "000.00.15.H49", role)
        if email in (MAIN_SPECIALIST, MAIN_LEADER)
        else (email, name, phone, code, role)
        for email, name, phone, code, role in accounts_demo.STAFF
    )
    with monkeypatch.context() as patch:
        patch.setattr(accounts_demo, "STAFF", old_staff)
        patch.setattr(demo, "STAFF", old_staff)
        accounts_demo.seed()
        demo.seed(size=WIDER)
    dossiers = Dossier.objects.count()
    slug = department.removesuffix(".H49").replace(".", "-")
    generated_leader = User.objects.get(email=f"lanhdao.{slug}@demo.quangninh.vn")

    accounts_demo.seed()
    logins = demo.seed(size=SMALL)

    assert Dossier.objects.count() == dossiers
    for email, role in (
        (MAIN_SPECIALIST, Membership.Role.SPECIALIST),
        (MAIN_LEADER, Membership.Role.LEADER),
    ):
        assert list(
            Membership.objects.filter(user__email=email).values_list(
                "agency__code", "role"
            )
        ) == [(department, role)]
    assert any(
        login == f"{{chuyenvien,lanhdao}}.{slug}@demo.quangninh.vn"
        for login, _description in logins
    )
    # The leader's queues are the department's, whoever proposed.
    leader = User.objects.get(email=MAIN_LEADER)
    scope = set(selectors.dossier_staff_scope(user=leader))
    assert scope
    assert scope == set(selectors.dossier_staff_scope(user=generated_leader))
    assert list(selectors.queue_to_approve(user=leader)) == list(
        selectors.queue_to_approve(user=generated_leader)
    )
