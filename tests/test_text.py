"""One-line texts: names refuse control characters, mail subjects can never carry one."""

import pytest
from django.core.exceptions import ValidationError

from assessment.text import one_line, reject_control_characters

BREAKS = ["\n", "\r", "\t", "\x00", "\x1b", "\u2028", "\u2029", "\x85"]


@pytest.mark.parametrize("character", BREAKS)
def test_a_name_with_a_control_character_is_refused(character):
    with pytest.raises(ValidationError, match="no line breaks or tabs"):
        reject_control_characters(f"Acme{character}Bcc: x@evil.example")


@pytest.mark.parametrize(
    "name", ["Zoë O'Brien-Łukasz", "株式会社テスト", "Acme & Co. (UK)", "👩‍🔬 Lab"]
)
def test_names_in_any_script_with_punctuation_and_emoji_are_accepted(name):
    reject_control_characters(name)


@pytest.mark.parametrize("character", BREAKS)
def test_one_line_turns_any_break_into_a_single_space(character):
    assert one_line(f"  Alice{character}{character} invited you ") == "Alice invited you"
