"""Scrubbing: personal details become placeholders; health words, doses and codes stay."""

from __future__ import annotations

import pytest

from search.analytics.scrub import normalize, scrub, without_placeholders


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("measles my email is jane.doe@example.com", "measles my email is <email>"),
        ("contact john@gmail please", "contact <email> please"),
        ("vertigo call 555-867-5309", "vertigo call <phone>"),
        ("call (555) 867 5309 now", "call <phone> now"),
        ("+44 20 7946 0958 migraine", "<phone> migraine"),
        ("+15558675309", "<phone>"),
        ("rash 555 1234", "rash <phone>"),
        ("psoriasis insurance id 123456789", "psoriasis insurance id <number>"),
        ("my number is 5558675309", "my number is <number>"),
        ("card 4111 1111 1111 1111", "card <number>"),
        ("ssn 123-45-6789", "ssn <number>"),
        ("member id:AB123456 gout", "member id <number> gout"),
        ("zip 90210 rash", "zip <number> rash"),
        ("see https://x.example/a?b=1 now", "see <url> now"),
        ("forum www.example.org/t/42 tinnitus", "forum <url> tinnitus"),
        ("example.org/page?id=5 acne", "<url> acne"),
        ("eczema dob 12/03/1985", "eczema dob <date>"),
        ("born 1985-03-12", "born <date>"),
        ("born on March 12, 1985 psoriasis", "born on <date> psoriasis"),
        ("dementia mum born 4 march 1941", "dementia mum born <date>"),
        ("born in 1985 acne", "born in <date> acne"),
        ("dob: may 1985 rash", "dob: <date> rash"),
        # Obfuscated e-mails
        ("john at example dot com migraine", "<email> migraine"),
        ("write to john(at)example.com", "write to <email>"),
        ("maria [at] gmail [dot] com", "<email>"),
        ("escribe a ana arroba correo punto mx", "escribe a <email>"),
        # Names, after a cue that says one follows
        ("my name is John Smith and i have migraines", "my name is <name> and i have migraines"),
        ("my son's name is Tim Ray, adhd", "my son's name is <name>, adhd"),
        ("name: Bob Jones", "name: <name>"),
        ("I am Maria Lopez, chronic pain", "I am <name>, chronic pain"),
        ("me llamo maria lopez y tengo migraña", "me llamo <name> y tengo migraña"),
        ("soy Juan Perez, dolor de espalda", "soy <name>, dolor de espalda"),
        ("mi hijo se llama Pedro", "mi hijo se llama <name>"),
        # Street addresses and postcodes
        ("lives at 123 Main St apt 4b", "lives at <address>"),
        ("12 oak hill rd back pain", "<address> back pain"),
        ("calle Reforma 123 dolor", "<address> dolor"),
        ("postcode SW1A 1AA", "postcode <number>"),
        ("K1A 0B1 clinic", "<number> clinic"),
        # Record numbers
        ("mrn A1234 fibro", "mrn <number> fibro"),
        ("medical record number 77-1234 lupus", "medical record number <number> lupus"),
        ("expediente 12345 migraña", "expediente <number> migraña"),
        # Partial dates after a birth cue
        ("birthday 3/14 migraine", "birthday <date> migraine"),
        ("born march 14 and anxious", "born <date> and anxious"),
        ("cumpleaños 14 de marzo", "cumpleaños <date>"),
        ("nací el 3 de mayo", "nací el <date>"),
    ],
)
def test_personal_details_become_placeholders(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "type 2 diabetes",
        "ICD 8B82.0 and MG30.51",
        "covid-19 vaccine",
        "b12 deficiency since 2019",
        "30 mg 3 times a day",
        "gabapentin 300mg not working after 2 weeks",
        "pain 10/10",
        "1 in 5 people",
        "pain at night",
        "back pain at work",
        "i am tired all the time",
        "I am 45 years old",
        "the name is on the tip of my tongue",
        "b12 1mg deficiency",
        "neck pain st louis",
        "vitamin d 2000 iu",
        "chest pain at rest",
    ],
)
def test_health_words_doses_and_codes_stay(text: str) -> None:
    assert scrub(text) == text


def test_normalize_folds_words_and_keeps_placeholders_whole() -> None:
    assert normalize("Nueropathy PAIN, call <phone>!") == "nueropathy pain call <phone>"
    assert without_placeholders("acid reflux ph <phone>") == "acid reflux ph"
