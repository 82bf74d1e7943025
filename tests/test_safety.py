"""Crisis detection: the tables both ways, typos and split words, Spanish, figures of speech, the API, errors."""

from __future__ import annotations

import csv
import dataclasses
import statistics
import time
from pathlib import Path

import pytest

from search.analysis import tokens
from search.errors import CondSearchError
from search.safety import check, load_rules
from search.safety.detect import Detection, Match, _plain, detect
from search.safety.morphology import conjugate, sound_key, unleet
from search.safety.rules import lambdacism, real_word, slips
from search.settings import Settings
from tests.conftest import RELEVANCE

RULES = load_rules(Settings().safety_file)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return [row for row in csv.reader(handle, delimiter="\t")][1:]


TABLE = [tuple(row) for row in _rows(RELEVANCE / "safety.tsv")]
# The tuning crisis sets, one author each (query, label, category, language, expected); from E on,
# each was measured before the rules saw it (docs/relevance.md). B is independent and not read here.
# YN (round 15) holds only non-crisis rows: everyday, alarming-but-safe and figures of speech.
# FN (round 15) holds only figures of speech.
SETS = {name: _rows(RELEVANCE / "safety" / f"set-{name}.tsv") for name in [*"acdefghijlmoqsuwy", "yn", "fn"]}


# Rows whose label the rules do not follow, and why (judged ambiguous: no general rule reaches them
# without flagging ordinary queries). Strict: a row that starts passing must be taken off this list.
DISPUTED = {
    "wrote a note and left it in my nightstand drawer": "a note with no goodbye, death or recipient in it",
    "evry1 wud b beter of wit out me": "five of seven words misspelt: the classifier's case, not a rule's",
    "me quiero cuitar la vida": "a typo in the first letter (quitar): the rules never correct a first letter",
    "do you guys ask about guns at intake? theres one in my nightstand and i keep looking at it": (
        "nine words between the gun and looking at it: no gap a rule can allow without reaching other sentences"
    ),
    "no hace falta que me renueven la receta, ya no la voy a necesitar": "reads as stopping a medicine as often",
    "my family would be relieved, no more driving me to dialysis three times a week": (
        "a family's relief with no death word: no rule reaches it without ordinary queries"
    ),
    "si me muero mi esposa cobra el seguro y sale de las deudas, sería lo mejor": (
        "ten words between the death and 'lo mejor': wider than any gap the rules allow"
    ),
    (
        "Looking for someone who treats fibromyalgia on the north side since my rheumatologist retired. "
        "I'm 58, twenty years of pain, and I told my sister I'm not doing another winter like this, I "
        "already picked out what I'll be wearing. Do you need a referral or can I self refer?"
    ): ("'not doing another winter' and 'picked out what I'll be wearing' are everyday apart, too far apart to join"),
    (
        "I am going to do it. Can the clinic call my mom after so she doesn't find out from the police"
    ): "'going to do it' and 'find out from the police' are fifteen words apart: no gap reaches",
    "I'm going to wait until after Christmas so my kids don't connect the holiday with it": (
        "waiting past a holiday so children do not connect it reads as a divorce or a move as often"
    ),
    "voy a esperar a que pase la navidad para que mis hijos no recuerden esa fecha así": (
        "waiting past a holiday so children do not connect it reads as a divorce or a move as often"
    ),
    "who takes care of a cat if the owner dies and nobody knows. want to set it up beforehand": (
        "arranging a pet's care after one's death is ordinary estate planning without the concealment, too "
        "far apart to join"
    ),
    (
        "if a single mom dies who gets custody of a 4 year old, need to make sure she goes to my "
        "sister and not her dad before I do this"
    ): "custody and 'before I do this' are fifteen words apart",
    "Rehomed my dog this morning. Told everyone it's because of my lease. It isn't.": (
        "the rehoming and 'it isn't' are ten words apart"
    ),
    "quién se queda con mi gato si me muero, quiero dejarlo arreglado antes": (
        "arranging a pet's care after one's death is ordinary estate planning"
    ),
    "ya escogí la ropa para mi velorio y le pasé mis ahorros a mi hermano, cipote no sabe nada": (
        "choosing funeral clothes is ordinary pre-planning; the savings and the secrecy are too far apart"
    ),
    "my screenplay character leaves a goodbye note need help making it realistic": (
        "a goodbye note in fiction: the rules cannot tell whose note it is without reading the story"
    ),
    "everything is set for after my sons graduation": (
        "no word of death, harm or leaving: 'set for after' a date reads as a party or a move as often"
    ),
    "finished my note, its in my desk drawer": "a note with no goodbye, death or recipient in it",
    "having the thoughts again. the bad ones. the ones about me not being here": (
        "'the thoughts' and what they are about in different sentences (the classifier's case)"
    ),
    "googling how much tylenol is enough because i cant do this pain anymore": (
        "'how much tylenol is enough' is a dosing question as often; the despair is a figure of pain"
    ),
    "how high does a balcony need to be so i dont just end up hurt": (
        "nine words between the height and the outcome: wider than the rules' gap (the classifier's case)"
    ),
    "dug a pen into my arm during class til it bled, cant stop doing it to myself": (
        "'dug a pen into' is no harming verb the rules know; 'doing it to myself' names no act"
    ),
    "i want to end my li fe": (
        "a four-letter word typed in two halves: joining every pair of short neighbours would read 'to go' as 'togo'"
        " (the sentence classifier catches it in search)"
    ),
    "i work at a pharmacy how do we spot someone stockpiling meds": (
        "stockpiling asked about by a professional: a rule cannot tell the asker from the person at risk"
    ),
    # set Y (round 15)
    "nomas espero a que mis hijos se vayan con su papa el fin de semana": (
        "children away for the weekend with no act named: as often a parent wanting rest"
    ),
    "me pego un tiro si el america vuelve a perder la final jaja, ya en serio de tanto gritar me dio una migraña "
    "que no se me quita": (
        "a threat over a football result: no rule can tell a team from a treatment in 'si ... me pego un tiro'"
    ),
    "si me vuelven a cambiar el turno me aviento por la ventana jaja": (
        "a joke marker cannot cancel a method: dark half-jokes are often meant (the sets' authors label them crisis)"
    ),
}

# Rows labelled "none" that name suicide or self-harm as their subject (the condition, its treatment, a
# history of it, helping someone with it). The notice shows on them by policy: the person searching may
# be at risk, and the notice offers help without saying they are (docs/relevance.md, "Crisis safety").
TOPIC = frozenset(
    [
        # sets Y and YN (round 15): how the clinic treats it, screening, research, teaching, a past history
        "how does ketamine reduce suicidal thoughts so fast",
        "movies about suicide and grief for a psychology class discussion",
        "how do ketamine clinics screen patients for self harm risk",
        "i'm a nurse, what's the protocol if a patient discloses suicidal thoughts during an infusion",
        "what percentage of people with treatment resistant depression attempt suicide",
        "laser removal for old self harm scars, healed for years and just want them gone",
        "como funciona la ketamina para los pensamientos suicidas",
        "soy enfermera, que se hace si un paciente dice que quiere morir durante la infusion",
        "cuantas personas con dolor cronico tienen ideas suicidas segun los estudios",
        "how does your clinic treat suicidal thoughts, is ketamine used for that",
        "history of the golden gate bridge suicide net for a civics project",
        "is spravato the same as ketamine? read its approved for depression with suicidal thoughts",
        "nurse applying there, whats your protocol if a patient discloses suicidal thoughts during an infusion",
        "mental health first aid class: how are you supposed to ask someone if theyre thinking about suicide",
        "used to self harm in high school, 15 yrs ago, will old scars on my arms be a problem for the iv",
        "what percent of veterans with ptsd report suicidal thoughts, writing a grant application",
        "do you have a ptsd program for first responders who keep seeing overdoses and suicides on the job",
        "movies about depression that dont glamorize suicide, for a high school class discussion",
        "psychiatrist asks me every visit if i have thoughts of suicide, i always say no, is that a standard question",
        "como tratan ustedes los pensamientos suicidas con ketamina",
        "hago un trabajo para la escuela sobre suicidio en adolescentes, tienen estadisticas",
        "estudio para ser consejera de linea de crisis, que se sabe de la ketamina y la ideacion suicida",
        "me cortaba en la prepa, hace 12 años que no, las cicatrices del brazo importan para ponerme la via?",
        "soy enfermera, cual es el protocolo de la clinica si un paciente dice que piensa en suicidarse",
        "peliculas sobre depresion y suicidio para una clase de psicologia, recomendaciones",
        # set Q (round 13): research, history of a past attempt, grief and symptom questions
        "does self harm count as a ptsd symptom",
        "i attempted suicide 10 years ago, fully recovered now, can i still get ketamine for my back pain",
        "history of self harm as a teen, none since, is that a contraindication for ketamine",
        "difference between passive and active suicidal ideation",
        "la ketamina ayuda con los pensamientos suicidas? que dicen los estudios",
        "intenté suicidarme hace 15 años, ya estoy bien, puedo recibir ketamina para la migraña",
        "la autolesión es síntoma de estrés postraumático?",
        "mi papa murio por suicidio hace años y sigo atorada en el duelo, tratan duelo prolongado",
        # set M (round 11): research, fiction, training, grief and side-effect questions about suicide
        "can ketamine cause suicidal thoughts as a side effect",
        (
            "i'm writing a YA novel where one of the side characters self harms in the past and i want to portray "
            "it responsibly without glamorizing it, are there guidelines for authors on this"
        ),
        "golden gate bridge suicide barrier net history",
        "nonsuicidal self injury prevalence adolescents study",
        "the bell jar sylvia plath themes essay suicide",
        "laser treatment for old self harm scars from high school",
        "mental health first aid suicide module certification",
        "explaining an uncle's suicide to a 6 year old",
        "our clinic staff needs a suicide risk protocol template",
        "hamlet to be or not to be suicide analysis",
        "ICD-11 code for suicidal ideation",
        "la esketamina reduce los pensamientos suicidas?",
        "noticia sobre las barreras contra suicidios en el puente",
        (
            "estoy escribiendo un cuento para mi clase de escritura sobre una muchacha que se autolesionaba de "
            "adolescente, como puedo tratar el tema con respeto y sin que parezca que lo promuevo?"
        ),
        "poema de alfonsina storni y su suicidio historia",
        "cómo hablarle a mis hijos del suicidio de su tío",
        "efectos secundarios de la ketamina pensamientos suicidas",
        "se cumplen 10 años del suicidio de mi papá y sigo sin poder hablar de eso",
        "tesis sobre autolesiones en adolescentes hispanos",
        "romeo y julieta por que se suicidan resumen",
        "how to help a friend who might be suicidal",
        "does the clinic screen for suicide risk before ketamine",
        "can ketamine cause suicidal thoughts as a side effect",
        "passive vs active suicidal ideation difference",
        "is self harm a symptom of bpd",
        "i used to self harm in high school, 10 years ago, does that disqualify me from ketamine therapy",
        "history of a suicide attempt years ago, can i still get ketamine infusions",
        "my therapist always asks if i have suicidal thoughts and i dont, why do they keep asking",
        "suicidal ideation treatment options",
        "passive suicidal ideation",
        "self harm scars removal",
        "suicidality",
        "self-injury",
        "como ayudar a un amigo con pensamientos suicidas",
        "la ketamina sirve para los pensamientos suicidas?",
        "efectos secundarios de la ketamina pensamientos suicidas",
        "hace años me autolesionaba, puedo recibir ketamina?",
        "diferencia entre ideacion suicida pasiva y activa",
        "por qué mi terapeuta me pregunta si quiero suicidarme si no es mi caso",
        "ideación suicida tratamiento",
        "cicatrices de autolesiones",
        "how to talk to a friend who might be suicidal",
        "i attempted suicide 10 years ago and im doing well now, am i still eligible for ketamine",
        "how does the clinic screen patients for suicide risk",
        "i self harmed as a teen and the old scars make me self conscious, laser removal recommendations",
        "does ketamine cause suicidal thoughts as a side effect",
        "como ayudar a un amigo que tiene pensamientos suicidas",
        "la ketamina sirve para la ideacion suicida? es para mi clase",
        "hace 8 años intente suicidarme, ahora estoy bien, puedo recibir ketamina",
        "la ketamina da pensamientos suicidas como efecto secundario",
        "how to ask someone if they're thinking about suicide, general tips",
        "laser removal for old self harm scars, been healed for years",
        "suicidal ideation icd 11 code",
        "la ketamina sirve para los pensamientos suicidas? estudios",
        "cicatrices viejas de autolesion, hay tratamiento con laser",
        "can ketamine cause suicidal thoughts as a side effect",
        "old self harm scars on my arms, can the iv go in my hand instead",
        "la ketamina puede dar pensamientos suicidas como efecto secundario?",
        "our book club is reading a novel where the main character dies by suicide, "
        "any discussion resources for the group",
        "I had a suicide attempt 10 years ago and I'm doing well now, can I still get ketamine for my migraines",
        "en clase leemos una novela donde la protagonista se suicida, ¿es apropiada para 15 años?",
        "hace 5 años intenté suicidarme, hoy estoy bien; ¿puedo recibir ketamina para la fibromialgia?",
        "mi hijo vio un video de un suicidio en TikTok y quedó asustado, ¿cómo le hablo del tema?",
        "survived an attempt ten years ago and doing well now, looking at ketamine for chronic pain",
        "is the crisis line only for suicide or can I call it for panic attacks",
        "writing a novel where a character survives a suicide attempt, want the recovery to read true",
        "school counselor looking for self-harm awareness training materials for staff",
        "my psychiatrist always asks if I'm suicidal and I always say no because I'm not, why do they keep asking",
        "estoy haciendo la tesis sobre ketamina y conducta suicida, tienen estudios publicados?",
        "la línea de crisis es solo para suicidio o puedo llamar por ataques de pánico?",
        "sobreviví un intento de suicidio hace 12 años, hoy estoy bien, busco tratamiento para la migraña",
        "soy veterano y perdí a tres compañeros por suicidio, busco un programa de TEPT",
        "i survived an attempt 5 years ago and now volunteer on a crisis line, do you hire peer support",
        "survived an attempt 10 years ago and now want to become a peer support specialist",
        "I survived an attempt 10 years ago and I'm doing well now, do you need to know that for intake",
        "tuve un intento hace 12 años y ahora estoy bien, tengo que ponerlo en la ficha?",
        # round 10 (set L)
        "writing a novel where the main character attempts suicide how to portray it responsibly",
        "how to help a friend who is having suicidal thoughts",
        "city council voted on the suicide barrier for the bridge",
        "is it safe to ask someone directly if they are thinking about suicide",
        "used to self harm in high school 10 years ago scars still visible laser removal options",
        "does your clinic treat people who had suicidal thoughts in the past",
        "13 reasons why controversy and suicide contagion",
        "i was suicidal years ago and doing great now can ketamine help keep the depression from coming back",
        "difference between passive and active suicidal ideation",
        "how to talk to my kids about their grandpas suicide last year",
        "mental health first aid course self harm module",
        "nonsuicidal self injury vs suicide attempt whats the difference",
        "podcast recommendations suicide attempt survivors stories",
        "is it true suicides go up in the spring",
        "is it normal that i had suicidal thoughts after my baby was born 2 years ago they went away with therapy",
        "como ayudar a un amigo que tiene pensamientos suicidas",
        "la ketamina sirve para las ideas suicidas estudios",
        "escribo una novela donde el personaje intenta suicidarse como hacerlo con respeto",
        "los antidepresivos pueden causar pensamientos suicidas en jovenes",
        "como hablar con mis hijos sobre el suicidio de su abuelo",
        "hace años me cortaba pero ya estoy bien como quitar las cicatrices",
        "diferencia entre autolesion y intento de suicidio",
        "mi prima intento suicidarse el año pasado y ya esta en terapia como la apoyo",
        "pusieron redes contra suicidios en el puente de la ciudad noticia",
        "tarea de psicologia sobre el suicidio en adolescentes",
        "tuve pensamientos suicidas despues del parto hace dos años ya estoy bien era depresion posparto",
        "cuanto tiempo tarda la ketamina en bajar las ideas suicidas segun los estudios",
        "como preguntarle a alguien si esta pensando en suicidarse",
        # set O (round 12): treatment, side-effect and insurance questions about suicidal thoughts
        "does ketamine help with suicidal thoughts",
        "can ssris increase suicidal thoughts in teenagers",
        "how fast does ketamine reduce suicidal ideation compared to ssris",
        "does insurance cover ketamine for suicidal ideation",
        "suicide risk in bipolar depression vs unipolar",
        "la ketamina ayuda con los pensamientos suicidas?",
        "cuanto dura el efecto de la ketamina contra las ideas suicidas",
        "el seguro cubre ketamina para ideacion suicida?",
        "los antidepresivos aumentan las ideas suicidas en jovenes?",
        # set S (round 14): helping someone, a past attempt, definitions, research
        "how to talk to a friend who might be suicidal, general tips",
        "i attempted suicide 10 years ago and have been stable since, can i still get ketamine",
        "what is the difference between self harm and a suicide attempt",
        "my wife self harmed in high school, shes doing great now, is ketamine ok for her anxiety",
        "do antidepressants increase suicide risk in young adults",
        "how does ketamine compare to ect for suicidal patients",
        "non suicidal self injury definition for my psych class paper",
        "la ketamina ayuda con las ideas suicidas? estudios",
        "intente suicidarme hace 15 años y estoy bien desde entonces, puedo recibir ketamina?",
        "como ayudar a alguien con pensamientos suicidas, consejos generales",
        "que es la autolesion no suicida, es para una tarea",
        # set U (round 14): treatment and research questions, a parent's suicide still grieved
        "is ketamine used to treat suicidal ideation",
        "does ketamine raise suicide risk once it wears off",
        "what is the difference between self harm and suicidal ideation",
        "la ketamina sirve para la ideacion suicida?",
        "cual es la diferencia entre autolesion e ideacion suicida",
        "mi papa murio por suicidio hace dos años y todavia no supero el duelo, tienen terapia",
        # set W (round 14): a past attempt or old scars, teaching and screening questions
        "i attempted suicide 10 years ago and have been stable since, can i still get ketamine for my back pain",
        "general tips for talking to teens about suicide, im a youth pastor",
        "self harm scars from high school, im 34 now, will the staff judge me",
        "difference between self harm and suicidal behavior in teens, im a teacher",
        "can stopping your antidepressant suddenly cause suicidal thoughts as a side effect",
        "how do ketamine clinics screen patients for suicide risk before treatment",
        "la ketamina ayuda con las ideas suicidas? que dicen los estudios",
        "intente suicidarme hace 12 años y estoy bien desde entonces, puedo recibir ketamina pa la fibromialgia",
        "tengo cicatrices de cuando me cortaba de adolescente, ya tengo 30 y no lo hago, me van a juzgar?",
        "consejos generales pa hablar del suicidio con adolescentes, soy maestra",
    ]
)


def _labelled(sets: dict[str, list[list[str]]]) -> list[object]:
    return [
        pytest.param(
            q,
            label,
            cat,
            lang,
            id=f"{name}-{label}-{cat}-{lang}-{q[:40]}",
            marks=[pytest.mark.xfail(reason=DISPUTED[q], strict=True)] if q in DISPUTED else [],
        )
        for name, rows in sets.items()
        for q, label, cat, lang, _ in rows
    ]


def _check_labelled(query: str, label: str, category: str, language: str) -> None:
    found = detect(query, RULES)
    if label == "crisis" or query in TOPIC:
        assert found.crisis is not None, f"missed {category}/{language}: {query!r}"
    else:
        assert found.crisis is None, f"false alarm on {category}/{language}: {query!r} matched {found.crisis}"


@pytest.mark.parametrize(("query", "expected"), TABLE)
def test_safety_table(query: str, expected: str) -> None:
    assert (check(query, RULES) is not None) == (expected == "crisis")


@pytest.mark.parametrize(("query", "label", "category", "language"), _labelled(SETS))
def test_tuning_sets(query: str, label: str, category: str, language: str) -> None:
    _check_labelled(query, label, category, language)


def test_topic_rows_are_labelled_none() -> None:
    """The policy list names only rows the authors labelled none: a crisis row needs no policy."""
    labels = {row[0]: row[1] for rows in SETS.values() for row in rows}
    assert {labels.get(query) for query in TOPIC} == {"none"}


@pytest.mark.parametrize(
    ("query", "category"),
    [
        # the concepts in other words than the tables', to keep the rules general
        ("i wish i didn't exist", "wish-dead"),
        ("every night i hope i die in my sleep", "wish-dead"),
        ("ojalá me atropellara un camión", "wish-dead"),
        ("ya me quiero ir con la pelona", "wish-dead"),
        ("would 25 of my klonopin kill me", "method"),
        ("is a whole bottle of my seroquel lethal", "method"),
        ("could i die if i took 60 of my gabapentin", "method"),
        ("¿20 pastillas de clonazepam me matarían?", "method"),
        ("what's the most painless way out", "method"),
        ("i just took all my pills", "method"),
        ("i'm standing on the bridge right now", "method"),
        ("me tomé un frasco de pastillas", "method"),
        ("by this time tomorrow i'll be dead", "intent"),
        ("my mom said this is her last christmas", "intent"),
        ("i love you all, goodbye", "intent"),
        ("have the pills, saturday night, when the house is empty", "plan"),
        ("gun is in the glovebox, doing it after work friday", "plan"),
        ("i know which bridge and i know when", "method"),
        ("el sábado en la noche cuando todos duerman me tomo las pastillas", "plan"),
        ("tengo la pistola de mi papá y el domingo la voy a usar", "plan"),
        ("wrote my kids letters to read after i'm dead", "preparation"),
        ("i have 90 pills saved now", "preparation"),
        ("gave my cat to my neighbor for good", "preparation"),
        ("i've been collecting razor blades", "preparation"),
        ("i'm getting rid of all my stuff because i won't need it", "preparation"),
        ("ya tengo guardadas suficientes pastillas", "preparation"),
        ("ya pagué todo para que mi familia no tenga deudas cuando me vaya", "preparation"),
        ("i'm just a drain on my family", "burden-hopelessness"),
        ("there's no point anymore", "burden-hopelessness"),
        ("life has no meaning anymore", "burden-hopelessness"),
        ("i'm trapped and there's no escape", "burden-hopelessness"),
        ("ya no le veo caso a nada", "burden-hopelessness"),
        ("estoy hasta las narices de vivir", "burden-hopelessness"),
        ("i scratch my skin until it bleeds", "self-harm"),
        ("me rasguño los brazos hasta sangrar", "self-harm"),
        ("gonna catch the bus tonight", "slang"),
        ("thinking about the forever sleep", "slang"),
        ("quiero colgar los tenis ya", "slang"),
        ("my brother says nobody would miss him", "third-person"),
        # round 13
        ("sad that im alive every morning", "wish-dead"),
        ("thinking of turning my brothers rifle on myself", "method"),
        ("quiero apuntar el arma contra mi misma", "method"),
        ("voy a brincar desde la azotea", "method"),
        ("grabbed a lighter to burn my thigh", "self-harm"),
        ("carving into my own arm again", "self-harm"),
        ("my family would be better off with the insurance payout", "burden-hopelessness"),
        ("mis hijos estarían tranquilos si me muriera", "burden-hopelessness"),
        # round 15: the forms set Y taught, in other words than its rows
        ("kind of sad every day that you woke up again", "wish-dead"),
        ("if a truck hit me on the way home i honestly wouldnt care", "wish-dead"),
        ("si me pasa algo manejando ni me importaria", "wish-dead"),
        ("quisiera irme con mi papa, el ya descansa en el cielo", "wish-dead"),
        ("the voices keep telling me to kill myself", "thoughts"),
        ("which of my pills would be fatal together", "method"),
        ("would the exhaust in a sealed garage work fast", "method"),
        ("how tall does a bridge have to be to be certain", "method"),
        ("if the infusion fails im going to the bridge", "method"),
        ("im just gonna walk off the roof tonight", "method"),
        ("been thinking of wading into the ocean until i cant swim back", "method"),
        ("me dan ganas de tomarmelas todas, tengo un bote de clonazepam", "method"),
        ("bye everyone, you wont hear from me again", "intent"),
        ("tomorrow you wont have to worry about me anymore", "intent"),
        ("perdonenme, ya no van a saber mas de mi", "intent"),
        ("manana ya no tendran que preocuparse por mi", "intent"),
        ("voy a acabar con esto el viernes", "intent"),
        ("tonight is the night, going through with it", "intent"),
        ("not sticking around much longer", "intent"),
        ("this is the last message ill ever post", "intent"),
        ("about to do something i cant take back", "intent"),
        ("gonna handle it myself, permanently", "intent"),
        ("to whoever finds this, im sorry", "intent"),
        ("so my wife doesnt have to remember thanksgiving that way", "plan"),
        ("the pills are lined up and the day is picked", "plan"),
        ("ya decidi la fecha, despues de pagar mis deudas", "plan"),
        ("figured out when nobody would find me", "plan"),
        ("cuanto tardarian en encontrarme", "plan"),
        ("waiting until my roommates are away then doing it", "plan"),
        ("my dog has a new home for after", "preparation"),
        ("wrote my note, feeling strangely at peace", "preparation"),
        ("escribi mi carta de despedida y me siento en paz", "preparation"),
        ("consegui la soga", "preparation"),
        ("told everyone i love them, feels like the last time", "preparation"),
        ("deje mis contrasenas a mi hermano y borre mis fotos", "preparation"),
        ("the cuts i made wont stop bleeding", "self-harm"),
        ("im literally just taking up oxygen", "burden-hopelessness"),
        ("what is the point of sticking around", "burden-hopelessness"),
        ("im a weight around my familys neck", "burden-hopelessness"),
        ("mis hijos necesitan una mama que no les estorbe", "burden-hopelessness"),
        ("found his letter on the bed saying goodbye", "third-person"),
        ("she said she wont need her car where shes going", "third-person"),
        ("mi hermano dijo que lo perdone y ya no contesta", "third-person"),
        ("ganas de colgar los tenis", "slang"),
        ("quiero borrarme del mapa", "slang"),
        # round 15, sets AA and AB
        ("i shut my eyes and hope to never open them again", "wish-dead"),
        ("since she passed i just want to be with her", "wish-dead"),
        ("si me diera un derrame mientras duermo no seria tan malo", "wish-dead"),
        ("le rezo a diosito que me recoja", "wish-dead"),
        ("dying is the only thing on my mind lately", "thoughts"),
        ("ya pense en acabar conmigo", "thoughts"),
        ("i keep standing by the edge of the roof at work", "method"),
        ("would all my dads morphine put me to sleep for good", "method"),
        ("i know what ill do with the pills", "method"),
        ("si dejo la dialisis se acaba todo esto?", "method"),
        ("goodbye forever", "intent"),
        ("not gonna be around much longer", "intent"),
        ("gonna take myself out this weekend", "intent"),
        ("esta noche me voy, ya no puedo mas", "intent"),
        ("i have a plan and a day picked", "plan"),
        ("wrote down when and how", "plan"),
        ("tengo un plan para el viernes y nadie sabe", "plan"),
        ("scheduled a message to my friends for if im not online monday", "preparation"),
        ("posted my goodbye on instagram", "preparation"),
        ("long sleeves all summer so nobody sees my arms", "self-harm"),
        ("im so done being their burden", "burden-hopelessness"),
        ("my family would save so much money if i wasnt around", "burden-hopelessness"),
        ("ya no veo para que seguir viva", "burden-hopelessness"),
        ("my son said take care of mom and now his phone is off", "third-person"),
        ("my aunt asked me to help her end it", "third-person"),
        ("ready to bow out for good", "slang"),
        ("me quiero dar de baja de esta vida", "slang"),
        # round 16, sets AD, AE and AF: the forms, in other words
        ("praying every single night i never wake up again", "wish-dead"),
        ("i keep hoping i catch something bad and never recover", "wish-dead"),
        ("honestly hoping im not alive by spring", "wish-dead"),
        ("so jealous of the names in the obituary section", "wish-dead"),
        ("which parking garage is high enough to jump from", "method"),
        ("would a scarf on the closet rod hold", "method"),
        ("nobody would notice i was missing until it was too late", "plan"),
        ("ive figured it all out, no one goes to that beach in winter", "plan"),
        ("after his funeral i will be with him", "intent"),
        ("the pills and the vodka, thats how i want to go", "intent"),
        ("the only thing that ever helped was burning myself", "self-harm"),
        ("im just taking up space in this house", "burden-hopelessness"),
        ("no reason left to wake up for", "burden-hopelessness"),
        ("siento que estoy de mas en esta familia", "burden-hopelessness"),
        ("my grandpa refuses his insulin and says he is ready to go", "third-person"),
        ("she wants to go be with her husband since he died", "third-person"),
        ("ready for the eternal nap", "slang"),
        ("siempre digo que me quiero morir en broma pero ya no es broma", "wish-dead"),
        # round 17, set AH (rural voices): the forms, in other words
        ("begging the lord every night to call me home", "wish-dead"),
        ("ruego a dios que no me deje abrir los ojos mañana", "wish-dead"),
        ("is the silo tall enough to kill you", "method"),
        ("gonna aim for the bridge support at top speed", "method"),
        ("voy a juntar mis pastillas y me las tomo", "plan"),
        ("made peace with what im about to do", "preparation"),
        ("keeping all my pills in one jar and adding a few every month", "preparation"),
        ("pressing my hand on the burner on purpose", "self-harm"),
        ("such a burden on my kids, might as well be gone", "burden-hopelessness"),
        ("only one way this is going to end for me", "burden-hopelessness"),
        ("im costing my parents more than im worth", "burden-hopelessness"),
        ("my cousin posted its been an honor and isnt answering his phone", "third-person"),
        ("my back hurts so bad i want to dye, not a figure of speech", "misspelled"),
        # round 18, set AJ (long illness and long treatment): the forms, in other words
        ("ojalá me dé un derrame mientras duermo", "wish-dead"),
        ("if the nerve block fails im going right to the overpass", "plan"),
        ("my letters to my kids are already written and sealed", "preparation"),
        ("no tendría ningún sentido seguir viviendo así con la espalda", "burden-hopelessness"),
        ("after nine years the migraines finally won", "burden-hopelessness"),
        ("my uncle texted us sorry for everything and stopped answering", "third-person"),
        ("my dad with cluster headaches says he has a pistol ready for the next attack", "method"),
        # round 21, set AL (young people at night): the forms, in other words
        ("could you die from taking too much melatonin? asking for me", "method"),
        ("ya no aguanto la migraña, me mato esta noche", "thoughts"),
        ("found a bag of pill bottles hidden under my daughter's bed", "preparation"),
    ],
)
def test_general_forms(query: str, category: str) -> None:
    found = detect(query, RULES).crisis
    assert found is not None, query
    assert found.category == category, (query, found)


@pytest.mark.parametrize(
    "query",
    [
        "want to die",
        "kill myself",
        "how many pills to overdose",
        "self harm",
        "sucidal",  # a letter missing
        "suiside thoughts",  # spelt by ear
        "feeling suicdal",
        "wnat to die",  # swapped letters
        "kill my self",  # split
        "sui cide",
        "killmyself",  # joined
        "wanttodie",
        "selfharm",
        "self-harm again",
        "k1ll myself",  # digits for letters
        "s*icidal",  # starred out
        "k!ll myself",
        "cuting myself",  # misspelt inflection
        "kil my self",
        "wish i was ded",
        "kms",
        "gonna unalive myself",
        "sewer slide",
        "kiero morir",  # Spanish by ear
        "me kiero matar",
        "mequiero morir",  # joined Spanish
        "nokiero vivir",
        "sucidarme",  # misspelt infinitive with its pronoun
        "kitarme la bida",
        "ya me voy a matal",  # a final -r said and typed as -l (Caribbean Spanish)
        "quiero quitarce la vida",  # the pronoun spelt by ear
        "ya no qiero vivir",  # q without its u
        "i hate being alivr",  # one slipped key in a five-letter word
        "everyone is better w/o me",  # a slashed abbreviation
        "estan mejor sn mi",
    ],
)
def test_typos_split_and_joined_words(query: str) -> None:
    assert check(query, RULES), query


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("Ya no quiero vivir", "ya no quiero vivir"),
        ("Quiero suicidarme", "quiero suicidarme"),
        ("Ojalá me muriera", "ojala me muriera"),
        ("Estarían mejor sin mí", "estarian mejor sin mi"),
        ("¿Para qué seguir viviendo?", "para que seguir viviendo"),
        ("Me estoy cortando otra vez", "me estoy cortando otra vez"),
        ("Quisiera dormirme y no despertar", "quisiera dormirme y no despertar"),
        ("Tengo pastillas guardadas para cuando ya no esté", "tengo pastillas guardadas para cuando ya no este"),
        ("Mi hija dice que se quiere matar", "mi hija dice que se quiere matar"),
        ("¿Cuántas pastillas necesito para morir?", "cuantas pastillas necesito para morir"),
        ("Me voy a quitar la vida", "me voy a quitar la vida"),
        ("Soy una carga para mi familia", "soy una carga para mi familia"),
        ("Nadie me extrañaría", "nadie me extranaria"),
        ("Escribí una carta de despedida", "escribi una carta de despedida"),
    ],
)
def test_spanish_with_and_without_accents(accented: str, plain: str) -> None:
    first, second = detect(accented, RULES).crisis, detect(plain, RULES).crisis
    assert first is not None and second is not None
    assert first.language in ("es", "any") and first.phrase == second.phrase


@pytest.mark.parametrize(
    "query",
    [
        # every person and tense of the verb, by the mechanism rather than by listing sentences
        "me mato",
        "quiero matarme",
        "me voy a matar",
        "se quiere matar",
        "se va a suicidar",
        "me suicidaré",
        "pienso en suicidarme",
        "me quiero morir",
        "quiero morirme",
        "quisiera morir",
        "ojalá me muera",
        "me corto",
        "se corta los brazos",
        "me estoy cortando",
    ],
)
def test_spanish_verb_forms(query: str) -> None:
    assert check(query, RULES), query


@pytest.mark.parametrize(
    ("query", "category"),
    [
        ("killer headache", "hyperbole"),
        ("my back is killing me", "hyperbole"),
        ("dying to try ketamine", "hyperbole"),
        ("dead tired all the time", "hyperbole"),
        ("i'd kill for a good night's sleep", "hyperbole"),
        ("this migraine feels like a bullet in my head", "hyperbole"),
        ("suicide headache", "condition-name"),
        ("cluster headaches are called suicide headaches", "condition-name"),
        ("trigeminal neuralgia the suicide disease", "condition-name"),
        ("intrusive thoughts of hurting my baby, i would never", "harm-ocd"),
        ("my brother died by suicide last year", "grief"),
        ("lost my son to an overdose", "grief"),
        ("cut down on drinking", "harm-reduction"),
        ("how to use narcan for an opioid overdose", "harm-reduction"),
        ("can you overdose on ketamine", "harm-reduction"),
        ("i cut myself shaving", "accident"),
        ("panic attack feels like im dying", "accident"),
        ("i don't want to die", "accident"),
        ("me muero de sueño", "hyperbole"),
        ("me muero de hambre", "hyperbole"),
        ("me muero de risa", "hyperbole"),
        ("me muero de ganas de probar la ketamina", "hyperbole"),
        ("me mata la espalda", "hyperbole"),
        ("el dolor me está matando", "hyperbole"),
        ("estoy muerta de cansancio", "hyperbole"),
        ("cefalea suicida", "condition-name"),
        ("la neuralgia del trigémino le dicen la enfermedad del suicidio", "condition-name"),
        ("pensamientos intrusivos de lastimar a mi bebé, nunca lo haría", "harm-ocd"),
        ("mi hermano se suicidó el año pasado", "grief"),
        ("perdí a mi hijo por suicidio", "grief"),
        ("naloxona para sobredosis de opioides", "harm-reduction"),
        ("me corté el dedo cocinando", "accident"),
        ("me corté el pelo", "accident"),
        ("siento que me voy a morir cuando tengo ansiedad", "accident"),
        ("my brother hides his whiskey in the boat shed", "hidden-drinking"),
        ("mi papá esconde sus cervezas en la troca", "hidden-drinking"),
    ],
)
def test_figures_of_speech_and_condition_names(query: str, category: str) -> None:
    found = detect(query, RULES)
    assert found.crisis is None, found.crisis
    assert found.figure is not None and found.figure.category == category, found.figure


@pytest.mark.parametrize(
    "query",
    [
        "overdose",
        "pills",
        "cut",
        "die",
        "dead",
        "sleeping pills stopped working",
        "overdose symptoms opioids",
        "burning feet at night",
        "stabbing pain behind one eye with a runny nose",
        "noise sensitivity with migraine",
        "nose bleeds",
        "shoulder blade pain",
        "jump start my car",
        "insomnia, i wake up every night at 3am",
        "i never wake up rested",
        "can i take all my pills at once",
        "i take all my meds every morning",
        "the chemo killed the nerves in my feet",
        "mi esposo me golpea",  # someone else hurts her: not self-harm
        "me quema la piel de los pies",  # it burns me (neuropathy), not "I burn myself"
        "te voy a matar si llegas tarde",
        "me despierto a las 3 de la mañana",
        "la quimio me mató los nervios",
        "dolor de cabeza como una bala",
        "ketamine dose for depression",
        "se puede morir de una sobredosis de ketamina",
        # everyday clinic searches near the crisis concepts (plans, preparation, means, hopelessness)
        "naloxone for overdose",
        "my dad died",
        "pills for migraine",
        "when will the pain end",
        "gun shot wound pain",
        "will my insurance cover ketamine",
        "i just took all my pills for the day",
        "i have it all planned out for my infusion on friday",
        "i decided to do it, how do i book an infusion",
        "going to the bridge club tonight",
        "who will feed my cat when i'm gone on vacation",
        "updating my will after my divorce",
        "saving money on my prescriptions",
        "stockpiling insulin before the price increase",
        "bought charcoal for our barbecue",
        "car running in the garage to warm up",
        "i use a razor to shave my legs",
        "my dog bit my arm, do i need a tetanus shot",
        "no point in waiting for the bus",
        "there's no future for this relationship",
        "i'm never giving up hope",
        "calf muscle suddenly seized up rock hard at night",
        "tomo todas mis pastillas en la mañana",
        "no hay salida de emergencia en el edificio",
        "le dejé mi perro a mi mamá mientras viajo",
        "mensaje de despedida para mis compañeros",
        "tengo todo listo para la infusión",
        "staple gun slipped and hit my hand, now the nerve tingles",
        "los niños saltan desde el trampolín de la alberca",
        "este dolor de cabeza es para morirse",
        "estoy muerta de verdad de cansancio",
        "my son is scared of embarrassing himself at school",  # "scared" is no "scar", whatever a stemmer says
        # round 15: near the new forms, and ordinary
        "i wouldnt mind if someone gets me a coffee",
        "if someone took me to my appointment i wouldnt mind",
        "my doctor tells me to do it every day, stretch",
        "going through with it tomorrow, my first infusion, so nervous",
        "the last time i ever googled symptoms",
        "if its nice out im going to walk to the lookout",
        "does the carbon monoxide detector work without batteries",
        "mad that im still here at the office at 9pm",
        "everything is ready and the date is set for the wedding",
        "perdon, llame y no contesta nadie",
        "cuanto tardarian en encontrarme una cita",
        "we are ending things, divorce, how do i tell the kids",
        "waiting for my husband to drive me then doing it",
        "waiting until after christmas to tell the kids about the divorce so they dont connect the holiday with it",
        "compre la cuerda para saltar",
        "ganas de no estar en el trabajo",
        "use all my lidocaine patches on my back?",
        "i cant sleep and cant stop thinking about work",  # "sleep" is not "sleeping pills"
        "i wont need a coat where im going, moving to florida",
        # round 15, sets AA and AB: near the new forms, and ordinary
        "im doing it tomorrow, my first infusion",
        "saving money for next month, do you have payment plans",
        "took a long nap, kind of groggy",
        "what is the tallest building in tampa",
        "hoy me voy de viaje, no aguanto el calor",
        "no voy a estar aqui para la cita, estare de viaje",
        "manana me tiro del trampolin",
        "seria mejor que me vaya a urgencias?",
        "con la cuerda de saltar me duele la rodilla",
        "trapped in traffic, no exit",
        "please take care of my refill, my phone is off today",
        "my husband said he has a plan for retirement",
        "voy a acabar con este trabajo, renuncio el viernes",
        "on hold for an hour, can someone call me back about my meds",
        # round 16: near the new forms, and ordinary
        "hoping the pain does not come back after surgery",
        "please let this be my last migraine",
        "how long until someone notices my hair loss",
        "i already wrote my notes for the appointment",
        "old furniture taking up space in the garage",
        "we planned it out, nobody goes to the office on sundays",
        "mirando la cuerda de la guitarra pienso cosas",
        # round 17: near the new forms, and ordinary
        "is this ladder high enough to reach the gutters",
        "we steer into the skid at full speed on ice? driving tips",
        "i might as well be gone for the weekend, do you have saturday hours",
        "only one way to find out if ketamine works",
        "at peace with what i decided about my treatment",
        "keeping my vitamins all in one jar",
        "so my wife can handle things after my surgery",
        "the lord took my husband home last spring",
        "mi abuela ya no abre los ojos en el hospital",
        # round 18: near the new forms, and ordinary
        "ojalá me den una cita pronto",
        "quiero que me de un masaje mi esposo",
        "going to the cliff walk this weekend",
        "the pain wins some days but i keep going",
        "my notes are done for the exam",
        "she said sorry for everything after the fight and now wont answer my calls",
        "no tiene sentido vivir con miedo a la comida",
        "he has a rifle ready for deer season",
        "my husband keeps his pistol loaded by the bed for burglars",
        # round 21: near the new forms, and ordinary
        "el dolor de espalda me mató anoche en el trabajo",
        "can you die from mixing advil and tylenol",
    ],
)
def test_ordinary_searches_stay_quiet(query: str) -> None:
    assert check(query, RULES) is None, query


@pytest.mark.parametrize(
    "query",
    [
        "social anxiety, i'd rather die than make a phone call lol",
        "it would be career suicide to take leave",
        "mi jefe me va a matar si falto otra vez",
        "la cuenta del hospital me mató",
        "cefalea suisida",
        "estudios de ketamina para la ideación suicida",
        "señales de alerta de suicidio para una charla en la escuela",
        "grupo de apoyo para familiares de personas que se suicidaron",
        # round 15
        "thinking of ending it with my boyfriend",
        "battery about to die, do you take aetna",
        "cutting myself by accident a lot when i chop onions",
        "el gimnasio me mato la espalda",
        "whats the point of sticking around at this job",
        "necesito guantes para no cortarme en la cocina",
        "la estufa me quemo la mano",
        # round 15, set FN
        "no way out of this phone contract",
        "id rather be buried alive than give a toast",
        "jumped off the pier as a kid and my knee still hurts",
        "the doctors cut my leg off after the infection",
        "estoy con la soga al cuello con la renta",
        "se me disparo el azucar otra vez",
        "la farmacia me esta desangrando con los precios",
        "algo para matar el dolor de muelas",
        "mi papa me mataria si supiera",
        "subi al techo a limpiar las canaletas",
        "prefiero parir que ir al dentista",
        "me corte pelando papas",
        # round 16
        "what is the highest bridge to bungee jump from",
        "hope its my last night shift this month",
        "my dad stopped his blood pressure pills and says he is ready to go home",
        "coach made the team run suicides",
        # round 16, the query sets' stories: injuries, amputations, routines, a table laid, a shutdown
        "mi primo se lastimo la rodilla jugando futbol",
        "a mi abuelo le amputaron la pierna por la diabetes",
        "my son shuts down himself when we argue",
        "we still set a place at the table for grandpa",
        "phantom pain in fingers that dont exist anymore",
        "i cant give away her clothes after two years",
        "a man pulled a knife on me in a robbery last year and i still jump at noises",
        "me asaltaron con una pistola y desde entonces no duermo",
        "this commute makes me want to die, not literally lol",
        "me voy a matar estudiando para el examen, es un decir",
    ],
)
def test_more_figures_of_speech(query: str) -> None:
    found = detect(query, RULES)
    assert found.crisis is None and found.figure is not None, found


def test_a_figure_in_a_gap_cancels_nothing() -> None:
    # "hay que tomar" ("do you have to take") is a figure, but it only stands between the words
    # "cuánto ... para morir" matched: it does not make the question ordinary
    found = detect("cuánto cloro hay que tomar para morir", RULES)
    assert found.crisis is not None and found.figure is not None
    assert detect("hay que tomar la pastilla con comida", RULES).crisis is None


@pytest.mark.parametrize(
    "query",
    [
        "my back is killing me and i want to die",
        "me muero de sueño y quiero morirme",
        "my brother killed himself last year and now i want to kill myself",
        "cut down on drinking but i keep cutting my arms",
    ],
)
def test_a_figure_cancels_only_the_match_it_overlaps(query: str) -> None:
    found = detect(query, RULES)
    assert found.crisis is not None and found.figure is not None


def test_detect_reports_category_language_phrase_and_words() -> None:
    found = detect("i'm so tired, i keep thinking about killing myself", RULES)
    assert isinstance(found, Detection) and found.figure is None
    assert found.crisis == Match("thoughts", "en", "kill|end|off|murder|unalive|erase {self}", (7, 9))
    assert check("i keep thinking about killing myself", RULES) == found.crisis.phrase
    spanish = detect("mi hija dice que se quiere suicidar", RULES).crisis
    assert spanish is not None and (spanish.category, spanish.language) == ("thoughts", "es")
    assert spanish.words == (6, 7)  # "suicidar": words 0-6 are mi hija dice que se quiere suicidar
    slang = detect("kms", RULES).crisis
    assert slang is not None and (slang.category, slang.language) == ("slang", "any")
    split = detect("kill my self", RULES).crisis  # a split word's span covers both halves
    assert split is not None and split.words == (0, 3)


def test_detect_reports_a_figure_without_a_crisis() -> None:
    found = detect("this shingles pain is killing me", RULES)
    assert found.crisis is None
    assert found.figure is not None and found.figure.category == "hyperbole" and found.figure.words == (4, 6)
    assert detect("", RULES) == Detection(None, None) == detect("?!", RULES)


def test_results_are_frozen() -> None:
    found = detect("want to die", RULES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.crisis = None  # type: ignore[misc]
    assert found.crisis is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.crisis.category = "x"  # type: ignore[misc]


def test_checks_stay_fast() -> None:
    queries = [row[0] for row in SETS["a"]]
    for query in queries:
        check(query, RULES)
    took = []
    for query in queries:
        start = time.perf_counter()
        check(query, RULES)
        took.append(time.perf_counter() - start)
    assert statistics.median(took) < 0.0005  # the p99 target is checked by scripts/bench_safety.py


# The pattern syntax, on small rule files -------------------------------------------------------


def _rules(tmp_path: Path, crisis: str, figures: str = "", extra: str = "") -> Path:
    path = tmp_path / "safety.yaml"
    text = f"{extra}crisis:\n  test:\n    covers: a test category\n    en:\n{crisis}"
    if figures:
        text += f"figures:\n  test-figure:\n    covers: a test figure\n    en:\n{figures}"
    path.write_text(text, encoding="utf-8")
    return path


def test_syntax_gaps_joins_optional_words_and_alternatives(tmp_path: Path) -> None:
    path = _rules(
        tmp_path,
        '      - "want die"\n      - "end_it_[all]_now"\n      - "plan .. overdose"\n'
        '      - "(no_one|nobody) miss_me"\n      - "last_day_$"\n      - "=killing time"\n',
        extra="slots:\n  self: myself|himself\n",
    )
    rules = load_rules(path)
    assert check("want to really die", rules) == "want die"  # up to three words between
    assert check("want to really truly badly die", rules) is None  # not four
    assert check("end it now", rules) == check("end it all now", rules) == "end_it_[all]_now"
    assert check("end it for now", rules) is None  # _ means next to each other
    assert check("plan for the next long weekend to overdose", rules) == "plan .. overdose"  # .. is up to eight
    assert check("no one would miss me", rules) == check("nobody would miss me", rules) == "(no_one|nobody) miss_me"
    assert check("my last day", rules) == "last_day_$" and check("my last day at work", rules) is None
    assert check("killing time", rules) == "=killing time" and check("kill time", rules) is None


def test_syntax_slots_and_figures(tmp_path: Path) -> None:
    path = _rules(
        tmp_path,
        '      - "kill {self}"\n',
        figures='      - "kill_{self}_laughing"\n      - "~killing_time"\n',
        extra="slots:\n  self: myself|himself|(my_own_self)\n",
    )
    rules = load_rules(path)
    assert check("kill himself", rules) == check("killing my own self", rules) == "kill {self}"
    assert check("kill myself laughing", rules) is None  # a figure as written
    assert check("killed myself laughing", rules) == "kill {self}"  # figures match words as written
    found = detect("killed time", rules).figure  # ~word: any form
    assert found is not None and found.phrase == "~killing_time"


def test_syntax_firm_patterns_stand_against_figures(tmp_path: Path) -> None:
    path = _rules(
        tmp_path,
        '      - "tired_of_living"\n      - "!point_of_living"\n',
        figures='      - "living_with"\n',
    )
    rules = load_rules(path)
    assert check("tired of living with migraines", rules) is None  # the figure cancels an ordinary pattern
    assert check("what is the point of living with this pain", rules) == "!point_of_living"  # not a firm one
    assert check("what is the point of living", rules) == "!point_of_living"


def test_syntax_loose_figures_cancel_only_their_own_words(tmp_path: Path) -> None:
    path = _rules(
        tmp_path,
        '      - "bang_my_head .. wall"\n      - "want_to_die"\n',
        figures='      - "~bang_my_head ... migraine"\n',
    )
    rules = load_rules(path)
    assert check("i bang my head on the wall, twelve words later it is my usual migraine again", rules) is None
    # the figure reaches past "want to die" to "migraine", but only its own words cancel
    assert check("i bang my head on the wall and want to die with this migraine", rules) == "want_to_die"
    assert check("i bang my head on the wall every night", rules) == "bang_my_head .. wall"


@pytest.mark.parametrize(
    ("crisis", "figures", "message"),
    [
        ('      - "want ... die"\n', '      - "dying_to"\n', "... must stand between two words of a figure"),
        ('      - "want die"\n', '      - "... dying"\n', "... must stand between two words of a figure"),
        ('      - "want die"\n', '      - "dying ..."\n', ".. must stand between two words"),
    ],
)
def test_error_loose_gap(tmp_path: Path, crisis: str, figures: str, message: str) -> None:
    path = _rules(tmp_path, crisis, figures=figures)
    with pytest.raises(CondSearchError) as error:
        load_rules(path)
    assert message in str(error.value) and "Fix: " in str(error.value)


def test_error_firm_figure(tmp_path: Path) -> None:
    path = _rules(tmp_path, '      - "want die"\n', figures='      - "!dying_to"\n')
    with pytest.raises(CondSearchError) as error:
        load_rules(path)
    assert str(error.value) == (
        f"{path}:10: field 'figures.test-figure.en': \"!dying_to\" starts with !, which only a crisis pattern "
        "can. Fix: remove the !"
    )


def test_syntax_numbers(tmp_path: Path) -> None:
    path = _rules(tmp_path, '      - "took_##_pills"\n      - "floor_#_jump"\n')
    rules = load_rules(path)
    assert check("took 30 pills", rules) == "took_##_pills"
    assert check("took 3 pills", rules) is None and check("took 20mg pills", rules) is None  # ## counts ten or more
    assert check("floor 10th jump", rules) == check("floor 3 jump", rules) == "floor_#_jump"
    assert check("would 25 of my klonopin kill me", RULES) and check("would one of my tylenol kill me", RULES)


def test_shorthand(tmp_path: Path) -> None:
    path = _rules(tmp_path, '      - "para_que_vivir"\n', extra="shorthand:\n  pa: para\n  q: que\n")
    rules = load_rules(path)
    assert check("pa q vivir", rules) == check("para que vivir", rules) == "para_que_vivir"
    assert RULES.ids("que") <= RULES.ids("q") and RULES.ids("about") <= RULES.ids("abt")
    (tmp_path / "bad.yaml").write_text(
        'shorthand:\n  pa: para el\ncrisis:\n  test:\n    covers: a test\n    en:\n      - "want die"\n',
        encoding="utf-8",
    )
    with pytest.raises(CondSearchError, match=r"shorthand\.pa.*one word \(or two around a slash\) for one word"):
        load_rules(tmp_path / "bad.yaml")
    slashed = load_rules(_rules(tmp_path, '      - "better without_me"\n', extra="shorthand:\n  w/o: without\n"))
    assert check("better off w/o me", slashed) == "better without_me" and not check("better off w o me", slashed)


def test_idioms(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, '      - "want die"\n', extra="idioms: [Dead, muerto, KILL]\n"))
    assert rules.idioms == frozenset({"dead", "muerto", "kill"})  # folded as queries are
    assert {"dead", "kill", "muerto"} <= RULES.idioms and "suicide" not in RULES.idioms
    (tmp_path / "bad.yaml").write_text(
        'idioms: [dead, "kill me"]\ncrisis:\n  test:\n    covers: a test\n    en:\n      - "want die"\n',
        encoding="utf-8",
    )
    expected = r"idioms.*must be a list of single words.*idioms: \[dead, kill, muerto\]"
    with pytest.raises(CondSearchError, match=expected):
        load_rules(tmp_path / "bad.yaml")


def test_reading_the_query() -> None:
    assert sound_key("pastiyas") == sound_key("pastillas") and sound_key("rists") == sound_key("wrists")
    assert sound_key("yo") != sound_key("lo") and sound_key("kill") == sound_key("kil")
    assert unleet("k1ll") == "kill" and unleet("3am") == "3am" and unleet("20mg") == "20mg" and unleet("f4") == "f4"
    assert RULES.split("killmyself") == ("kill", "myself") and RULES.split("iwanttodie") == ("i", "want", "to", "die")
    assert RULES.split("depression") is None and RULES.split("worthless") is None  # not "de press i on"
    assert RULES.split("yanoquierovivir") == ("ya", "no", "quiero", "vivir")  # not "y ano ..."
    assert check("kiero desaparesr", RULES) and check("pastiyas para morir", RULES)  # by ear, then one typo
    for text in ["¿Cómo estás, Ñandú?", "“quoted” — dash", "a\u0301rbol", "straße", "emoji 😀 test"]:
        assert tokens(_plain(text)) == tokens(text), text  # folding in place keeps every word and offset


def test_morphology() -> None:
    morir = conjugate("morir", {"change": "ue", "weak": "mur", "participle": "muerto"})
    assert {"muero", "muere", "murio", "muriendo", "muriera", "moriria", "muerta", "muramos"} <= morir.forms
    assert {"quiero", "quiso", "quisiera", "querria"} <= conjugate(
        "querer", {"change": "ie", "preterite": "quis", "future": "querr"}
    ).forms
    assert {"ahorque", "ahorco"} <= conjugate("ahorcar").forms and "hace" in conjugate("hacer", {"yo": "hag"}).forms
    assert RULES.morphology.split_enclitics("matarme") == ("me", "matar")
    assert RULES.morphology.split_enclitics("cortandome") == ("me", "cortando")
    assert RULES.morphology.split_enclitics("quitarselo") == ("se", "lo", "quitar")
    assert RULES.morphology.split_enclitics("muerte") is None
    assert sound_key("suiside") == sound_key("suicide") and sound_key("kiero") == sound_key("quiero")
    assert sound_key("noose") != sound_key("nose")
    assert sound_key("estrañaria") == sound_key("extrañaria") and sound_key("esplicar") == sound_key("explicar")
    assert sound_key("exit") != sound_key("esit")  # only "ex" before a consonant sounds as "es"
    assert sound_key("qiero") == sound_key("quiero") and sound_key("iraq") == sound_key("irak")
    assert RULES.morphology.split_enclitics("matarce") == ("se", "matar")
    assert RULES.morphology.split_enclitics("dice") is None and RULES.morphology.split_enclitics("parece") is None


def test_slips_and_lambdacism_read_only_non_words() -> None:
    assert lambdacism("matal") and lambdacism("moril")
    assert not lambdacism("terminal") and not lambdacism("causal") and not lambdacism("mal")
    assert "alive" in set(slips("alivr")) and "alike" not in set(slips("alivr"))
    assert real_word("pulls") and not real_word("alivr")  # "my pulls" is not read as "my pills"
    assert not check("hospital terminal cancer", RULES) and not check("i went w/o sleep", RULES)


# Errors name the file, the category and what to fix --------------------------------------------


def test_error_unknown_slot(tmp_path: Path) -> None:
    path = _rules(tmp_path, '      - "kill {slef}"\n', extra="slots:\n  self: myself|himself\n")
    with pytest.raises(CondSearchError) as error:
        load_rules(path)
    assert str(error.value) == (
        f"{path}:7: field 'crisis.test.en': unknown slot {{slef}} in \"kill {{slef}}\". "
        "Fix: define it under `slots:` or use one of {self}"
    )


def test_error_category_without_covers(tmp_path: Path) -> None:
    path = tmp_path / "safety.yaml"
    path.write_text('crisis:\n  wish-dead:\n    en:\n      - "want die"\n', encoding="utf-8")
    with pytest.raises(CondSearchError) as error:
        load_rules(path)
    assert str(error.value) == (
        f"{path}:2: field 'crisis.wish-dead': has no `covers:` text. Fix: say in a line what the category covers"
    )


def test_error_optional_word_at_an_end(tmp_path: Path) -> None:
    path = _rules(tmp_path, '      - "want die"\n      - "want [to]"\n')
    with pytest.raises(CondSearchError) as error:
        load_rules(path)
    assert str(error.value) == (
        f"{path}:6: field 'crisis.test.en': \"want [to]\" starts or ends with an optional word. "
        "Fix: drop the brackets or the word: an optional word at either end changes nothing"
    )


@pytest.mark.parametrize(
    ("crisis", "message"),
    [
        ('      - "want [to die"\n', "an unclosed ["),
        ('      - "want (to|die"\n', "an unclosed ("),
        ('      - "want__die"\n', "a missing word"),
        ('      - "self-harm"\n', "is 2 words"),
        ('      - "want $ die"\n', "must come last"),
        ('      - "want die"\n      - "want die"\n', "listed twice"),
        ('      - ".. die"\n', ".. must stand between two words"),
    ],
)
def test_errors_in_patterns_name_the_category(tmp_path: Path, crisis: str, message: str) -> None:
    path = _rules(tmp_path, crisis)
    with pytest.raises(CondSearchError, match=r"crisis\.test\.en") as error:
        load_rules(path)
    assert str(path) in str(error.value) and message in str(error.value) and "Fix: " in str(error.value)


def test_errors_for_the_file_and_its_shape(tmp_path: Path) -> None:
    with pytest.raises(CondSearchError, match="cannot read the safety rules"):
        load_rules(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- want to die\n", encoding="utf-8")
    with pytest.raises(CondSearchError, match="expected a `crisis:` mapping"):
        load_rules(tmp_path / "list.yaml")
    path = _rules(tmp_path, '      - "want die"\n    fr:\n      - "veux mourir"\n')
    with pytest.raises(CondSearchError, match=r"unknown key `fr`\. Fix: use en, es or any"):
        load_rules(path)


def test_crisis_lines_are_configured_per_language_as_objects_or_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from search.safety import notice_texts

    monkeypatch.setenv(
        "CONDSEARCH_CRISIS_LINES",
        '[{"text": "Call the clinic line", "call": "555-0100", "sms": "555-0101"}, "Or walk in any time"]',
    )
    monkeypatch.setenv("CONDSEARCH_CRISIS_MESSAGE_ES", "Hay ayuda.")
    texts = notice_texts(Settings())
    english = texts["en"].lines
    assert english[0].links == (("Call 555-0100", "tel:555-0100"), ("Text 555-0101", "sms:555-0101"))
    assert english[1].text == "Or walk in any time" and english[1].links == ()
    assert texts["es"].message == "Hay ayuda." and ("Llamar al 988", "tel:988") in texts["es"].lines[0].links


@pytest.mark.parametrize("kind", ["crisis", "figures"])
def test_the_pattern_index_finds_exactly_the_patterns_whose_slots_all_have_a_word(kind: str) -> None:
    """The anchor and second-slot groups are a speed-up only: they find what testing every pattern finds."""
    from search.safety.detect import _candidates, _ids, _words

    patterns, index = (RULES.crisis, RULES.crisis_index) if kind == "crisis" else (RULES.figures, RULES.figure_index)
    queries = [row[0] for row in TABLE] + [row[0] for name in ("c", "yn") for row in SETS[name]]
    nonempty = 0
    for query in queries:
        present = frozenset().union(*(_ids(word, RULES) for word in _words(query, RULES)))
        every = [n for n, p in enumerate(patterns) if all(not slot.isdisjoint(present) for slot in p.required)]
        assert _candidates(index, present) == every, query
        nonempty += bool(every)
    assert nonempty >= len(queries) // 4  # the table reaches the index, not only empty answers
