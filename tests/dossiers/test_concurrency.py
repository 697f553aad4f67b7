"""Two officers at once, on a real PostgreSQL: one wins, the other gets a conflict."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from dossiers import services
from dossiers.exceptions import DossierTransitionError
from dossiers.models import Dossier, DossierEvent
from dossiers.services import Applicant

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


def test_twenty_simultaneous_receipts_get_twenty_consecutive_codes(
    procedure, clerk, agencies
):
    results = run_together(
        20,
        lambda i: (
            services.dossier_intake(
                consent=True,
                actor=clerk,
                procedure=procedure,
                receiving_agency=agencies.centre,
                applicant=Applicant(name=f"Người {i}", phone=f"09123456{i:02d}"),
            ).code
        ),
    )
    assert all(isinstance(code, str) for code in results), results
    numbers = sorted(int(str(code).rsplit("-", 1)[1]) for code in results)
    assert numbers == list(range(1, 21))
    assert len({str(code).rsplit("-", 1)[0] for code in results}) == 1
    assert Dossier.objects.count() == 20


def test_ten_simultaneous_approvals_give_exactly_one_success(
    make_dossier, specialist, agencies
):
    from tests.accounts.factories import MembershipFactory  # noqa: PLC0415

    leaders = [
        MembershipFactory(agency=agencies.justice, role="leader").user
        for _ in range(10)
    ]
    dossier = make_dossier(appraising=True)
    services.dossier_propose(dossier=dossier, actor=specialist, number="7/QĐ")
    results = run_together(
        10,
        lambda i: services.dossier_approve(
            dossier=Dossier.objects.get(pk=dossier.pk), actor=leaders[i]
        ),
    )
    failures = [result for result in results if isinstance(result, Exception)]
    assert len(failures) == 9
    assert all(isinstance(failure, DossierTransitionError) for failure in failures), (
        failures
    )
    dossier.refresh_from_db()
    assert dossier.state == "ready"
    assert DossierEvent.objects.filter(dossier=dossier, action="approve").count() == 1
