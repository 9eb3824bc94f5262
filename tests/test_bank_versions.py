"""Question-bank versions: drafts change, published and retired banks never do."""

import copy

import pytest
import yaml
from django.contrib.messages import get_messages
from django.urls import reverse

from assessment import selectors
from assessment.bank import (
    BankFileError,
    BankNotDraft,
    BankVersionTaken,
    bank_to_data,
    content_hash,
    copy_bank_as_draft,
    load_bank,
    next_draft_version,
    publish_bank,
    read_bank_file,
    validate_bank,
)
from assessment.models import (
    Choice,
    Component,
    ComponentGuidance,
    Question,
    QuestionBank,
    Section,
)
from assessment.structure import bank_structure
from tests import factories

Bank = QuestionBank.Status


def stripped(value):
    """The file's data as the loader stores it: text stripped, optional fields present."""
    if isinstance(value, dict):
        return {key: stripped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [stripped(item) for item in value]
    return value.strip() if isinstance(value, str) else value


def counts(bank):
    return (
        Section.objects.filter(bank=bank).count(),
        Component.objects.filter(section__bank=bank).count(),
        ComponentGuidance.objects.filter(component__section__bank=bank).count(),
        Question.objects.filter(component__section__bank=bank).count(),
        Choice.objects.filter(question__component__section__bank=bank).count(),
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def draft(bank):
    return copy_bank_as_draft(bank=bank, version="sample-2")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# --- bank_to_data -----------------------------------------------------------------------


def test_bank_to_data_gives_back_the_loaded_file(bank):
    data = bank_to_data(bank)
    assert validate_bank(data) == []
    original = stripped(read_bank_file(factories.SAMPLE_BANK_FILE))
    assert data["sections"] == original["sections"]
    assert (data["version"], data["title"], data["status"]) == (
        "sample-1",
        original["title"],
        "published",
    )


def test_bank_to_data_loads_as_the_same_content(bank):
    data = bank_to_data(bank) | {"version": "sample-copy", "status": "draft"}
    loaded = load_bank(data=data).bank
    assert bank_to_data(loaded)["sections"] == bank_to_data(bank)["sections"]


# --- Drafts -----------------------------------------------------------------------------


def test_next_draft_version_numbers_drafts(bank):
    assert next_draft_version("sample-1") == "sample-1-draft-1"
    copy_bank_as_draft(bank=bank, version="sample-1-draft-1")
    assert next_draft_version("sample-1") == "sample-1-draft-2"
    assert next_draft_version("sample-1-draft-1") == "sample-1-draft-2"
    assert len(next_draft_version("v" * 40)) == 40


def test_a_draft_is_a_deep_copy(bank, draft):
    assert draft.status == Bank.DRAFT and draft.version == "sample-2"
    assert draft.title == bank.title and draft.question_count == 10
    assert counts(draft) == counts(bank) == (3, 5, 25, 10, 50)
    assert bank_to_data(draft)["sections"] == bank_to_data(bank)["sections"]
    assert not set(
        Question.objects.filter(component__section__bank=draft).values_list("pk", flat=True)
    ) & set(Question.objects.filter(component__section__bank=bank).values_list("pk", flat=True))
    bank.refresh_from_db()
    assert bank.status == Bank.PUBLISHED


def test_a_taken_version_is_refused(bank, draft):
    with pytest.raises(BankVersionTaken):
        copy_bank_as_draft(bank=bank, version="sample-2")
    with pytest.raises(BankVersionTaken):
        copy_bank_as_draft(bank=bank, version=" ")


# --- Publishing -------------------------------------------------------------------------


def test_publishing_a_draft_retires_the_published_bank(bank, draft, assessment_a):
    Question.objects.filter(component__section__bank=draft, slug="data-lineage").update(
        text="Can you trace a production prediction back to its raw data?"
    )
    published = publish_bank(bank=draft)
    bank.refresh_from_db()
    assessment_a.refresh_from_db()
    assert (published.status, bank.status) == (Bank.PUBLISHED, Bank.RETIRED)
    assert published.published_at is not None
    assert published.source_hash == content_hash(bank_to_data(published))
    assert QuestionBank.objects.filter(status=Bank.PUBLISHED).count() == 1
    assert selectors.current_bank() == published
    assert assessment_a.bank == bank  # assessments keep the version they started on
    question = bank_structure(published).questions_by_slug["data-lineage"]
    assert question.text.startswith("Can you trace a production prediction back to its")


def test_publishing_validates_like_the_loader_and_changes_nothing_on_problems(bank, draft):
    Section.objects.filter(bank=draft, slug="pipeline-grid").update(intro="")
    question = Question.objects.get(component__section__bank=draft, slug="retraining")
    question.choices.exclude(level=0).delete()
    Component.objects.filter(section__bank=draft, slug="monitoring").update(slug="Bad Slug")
    with pytest.raises(BankFileError) as raised:
        publish_bank(bank=draft)
    problems = [str(problem) for problem in raised.value.problems]
    data = bank_to_data(draft)
    assert problems == [str(problem) for problem in validate_bank(data)]
    assert any("section 'pipeline-grid'" in p and "'intro'" in p for p in problems)
    assert any("question 'retraining'" in p and "at least two options" in p for p in problems)
    assert any("Bad Slug" in p for p in problems)
    draft.refresh_from_db()
    bank.refresh_from_db()
    assert (draft.status, bank.status) == (Bank.DRAFT, Bank.PUBLISHED)


def test_only_a_draft_can_be_published(bank):
    with pytest.raises(BankNotDraft):
        publish_bank(bank=bank)


def test_the_file_and_the_database_agree_on_problems(bank):
    data = copy.deepcopy(bank_to_data(bank))
    data["sections"][0]["components"][0]["questions"] = []
    assert validate_bank(data)


# --- In the admin -----------------------------------------------------------------------


def test_published_bank_content_is_read_only_even_for_a_superuser(admin_client, bank):
    section = Section.objects.filter(bank=bank).first()
    component = Component.objects.filter(section=section).first()
    question = Question.objects.filter(component=component).first()
    for name, obj in (
        ("questionbank", bank),
        ("section", section),
        ("component", component),
        ("question", question),
    ):
        url = reverse(f"admin:assessment_{name}_change", args=[obj.pk])
        response = admin_client.get(url)
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode(), name
        assert admin_client.post(url, {"title": "Changed"}).status_code == 403, name
        delete_url = reverse(f"admin:assessment_{name}_delete", args=[obj.pk])
        assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403, name
    bank.refresh_from_db()
    assert bank.title != "Changed"


def test_retired_banks_are_read_only_too(admin_client, bank, draft):
    publish_bank(bank=draft)
    question = Question.objects.filter(component__section__bank=bank).first()
    url = reverse("admin:assessment_question_change", args=[question.pk])
    assert admin_client.post(url, {"text": "Changed"}).status_code == 403


def test_a_draft_is_edited_with_nested_inlines(admin_client, draft):
    question = Question.objects.get(component__section__bank=draft, slug="retraining")
    url = reverse("admin:assessment_question_change", args=[question.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()
    formset = page.context["inline_admin_formsets"][0].formset
    data = {
        "component": question.component_id,
        "order": question.order,
        "slug": question.slug,
        "text": "Is retraining triggered automatically?",
        "help_text": "",
        "allows_not_applicable": "on",
        f"{formset.prefix}-TOTAL_FORMS": len(formset.forms),
        f"{formset.prefix}-INITIAL_FORMS": len(formset.forms),
        f"{formset.prefix}-MIN_NUM_FORMS": 0,
        f"{formset.prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, form in enumerate(formset.forms):
        data[f"{formset.prefix}-{index}-id"] = form.instance.pk
        data[f"{formset.prefix}-{index}-question"] = question.pk
        data[f"{formset.prefix}-{index}-level"] = form.instance.level
        data[f"{formset.prefix}-{index}-statement"] = form.instance.statement
    data[f"{formset.prefix}-0-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    question.refresh_from_db()
    assert question.text == "Is retraining triggered automatically?"
    assert question.choices.count() == len(formset.forms) - 1


def test_every_level_of_a_draft_has_its_admin_page(admin_client, draft):
    section = Section.objects.filter(bank=draft).first()
    component = Component.objects.filter(section=section).first()
    for name, obj, inline_models in (
        ("questionbank", draft, {"section"}),
        ("section", section, {"component"}),
        ("component", component, {"componentguidance", "question"}),
    ):
        page = admin_client.get(reverse(f"admin:assessment_{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        inlines = {f.opts.model._meta.model_name for f in page.context["inline_admin_formsets"]}
        assert inlines == inline_models
        assert all(f.has_change_permission for f in page.context["inline_admin_formsets"])


def test_new_content_can_only_go_into_drafts(admin_client, bank, draft):
    page = admin_client.get(reverse("admin:assessment_question_add"))
    choices = page.context["adminform"].form.fields["component"].queryset
    assert {component.section.bank for component in choices} == {draft}
    page = admin_client.get(reverse("admin:assessment_section_add"))
    assert list(page.context["adminform"].form.fields["bank"].queryset) == [draft]


def test_the_create_draft_action(admin_client, bank):
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "create_draft", "_selected_action": [bank.pk]},
        follow=True,
    )
    assert response.status_code == 200
    created = QuestionBank.objects.get(version="sample-1-draft-1")
    assert created.status == Bank.DRAFT
    assert counts(created) == counts(bank)
    assert any("sample-1-draft-1" in message for message in messages_of(response))


def test_the_publish_action_lists_every_problem(admin_client, bank, draft):
    Section.objects.filter(bank=draft, slug="pipeline-grid").update(intro="")
    Component.objects.filter(section__bank=draft, slug="monitoring").update(roadmap_stage=1)
    Question.objects.filter(component__section__bank=draft, slug="retraining").update(text="")
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    shown = messages_of(response)
    assert shown[0] == "vsample-2 was not published: 2 problems to fix first."
    assert shown[1:] == [str(problem) for problem in validate_bank(bank_to_data(draft))]
    draft.refresh_from_db()
    assert draft.status == Bank.DRAFT


def test_the_publish_action(admin_client, bank, draft):
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert any("is now the published bank" in message for message in messages_of(response))
    draft.refresh_from_db()
    bank.refresh_from_db()
    assert (draft.status, bank.status) == (Bank.PUBLISHED, Bank.RETIRED)
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "publish", "_selected_action": [bank.pk]},
        follow=True,
    )
    assert any("only a draft can be published" in message for message in messages_of(response))
    bank.refresh_from_db()
    assert bank.status == Bank.RETIRED


def test_publish_needs_exactly_one_bank(admin_client, bank, draft):
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "publish", "_selected_action": [bank.pk, draft.pk]},
        follow=True,
    )
    assert "Select exactly one draft to publish." in messages_of(response)


def test_a_bank_downloads_as_a_loadable_file(admin_client, bank):
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "download_yaml", "_selected_action": [bank.pk]},
    )
    assert response.status_code == 200
    data = yaml.safe_load(response.content.decode("utf-8"))
    assert validate_bank(data) == []
    assert data == bank_to_data(bank)


def test_a_retired_bank_downloads_as_a_draft_file(admin_client, bank, draft):
    publish_bank(bank=draft)
    response = admin_client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "download_yaml", "_selected_action": [bank.pk]},
    )
    data = yaml.safe_load(response.content.decode("utf-8"))
    assert data["status"] == "draft"
    assert validate_bank(data) == []


def test_an_empty_draft_can_be_added(admin_client, bank):
    assert admin_client.get(reverse("admin:assessment_questionbank_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:assessment_questionbank_add"),
        {
            "version": "2027",
            "title": "Next bank",
            "description": "",
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
            "sections-MIN_NUM_FORMS": 0,
            "sections-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302
    created = QuestionBank.objects.get(version="2027")
    assert (created.status, created.question_count) == (Bank.DRAFT, 0)
    with pytest.raises(BankFileError):
        publish_bank(bank=created)


def test_editing_a_draft_keeps_its_question_count(admin_client, draft):
    question = Question.objects.filter(component__section__bank=draft).first()
    response = admin_client.post(
        reverse("admin:assessment_question_delete", args=[question.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.question_count == 9


def test_consultants_see_banks_but_cannot_change_or_publish_them(client, consultant, draft):
    client.force_login(consultant)
    changelist = client.get(reverse("admin:assessment_questionbank_changelist"))
    assert changelist.status_code == 200
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "publish" not in actions and "create_draft" not in actions
    response = client.post(
        reverse("admin:assessment_questionbank_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Bank.DRAFT
    question = Question.objects.filter(component__section__bank=draft).first()
    url = reverse("admin:assessment_question_change", args=[question.pk])
    assert client.post(url, {"text": "Changed"}).status_code == 403
    assert response.status_code in (200, 302)
