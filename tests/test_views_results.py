"""The results page's cost: a constant number of queries, with a previous assessment to
compare with, whatever the number of answers."""

from django.urls import reverse

from assessment.models import Answer
from tests import factories


def test_the_results_page_with_a_previous_assessment_runs_a_fixed_number_of_queries(
    client, alice, org_a, bank, django_assert_num_queries
):
    factories.submitted(org_a, bank, alice, title="Last year")
    this_year = factories.submitted(org_a, bank, alice, title="This year")
    url = reverse("assessment_results", args=[this_year.pk])
    client.force_login(alice)
    client.get(url)  # the bank structure is read once per process
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    Answer.objects.filter(assessment=this_year, question__slug__startswith="grid").delete()
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
