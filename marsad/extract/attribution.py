"""Attribution (claimed/confirmed/accused/suspected/unknown), hedging and who said it."""
from __future__ import annotations

import re

from marsad.extract.clause import Clause
from marsad.extract.roles import Role, actor_code
from marsad.resolve.actors import announces
from marsad.types import Candidate, Mention

SPEECH_WINDOW = 25
SAID_BY_WINDOW = 25
SPEECH_ACTS = {"speech", "accuse", "claim", "hedge"}  # accusing and claiming are saying too  # characters between a source and the reporting verb that makes it the speaker
AGENT_RULES = ("agent-after-attack-word", "subject-before-attack-verb", "adjective-after-strike", "responder",
               "speaker-own-forces", "agent-of-light-verb", "subject-of-light-verb",
               "adjective-after-aircraft-or-aggression", "owner-of-the-aircraft")


def side_speaks(clause: Clause, actor: str | None) -> Mention | None:
    """A source of the sentence that speaks for ``actor``'s side, if any."""
    if actor is None:
        return None
    return next((s for s in clause.sentence_sources
                 if s.data.get("actor") == actor and _speaks(clause, s, SPEECH_WINDOW)), None)


ANNOUNCER_GAP = 2  # characters between a side's own name and the reporting verb it is the subject of


def side_announces(clause: Clause, actor: str | None) -> Mention | None:
    """A source speaking for ``actor``'s side, or the side itself right by a reporting verb ("وأعلنت القوات
    الأمريكية أن…", "the US military said")."""
    named = next((a for a in clause.actors if actor is not None and actor_code(a) == actor and not a.data.get("adjective")
                  and _speaks(clause, a, ANNOUNCER_GAP, acts={"speech"}, subject_first=a.text.isascii())), None)
    return side_speaks(clause, actor) or named


def target_speaks(clause: Clause, cand: Candidate) -> Mention | None:
    """A source of the sentence that speaks for the target side, if any."""
    return side_speaks(clause, cand.target_actor)


def official_speaks(clause: Clause, attacker: str) -> Mention | None:
    """A source that speaks for a side (a command, a ministry, state media) other than the attacker's, or an
    official of no coded side (a security source, the counter-terrorism service of the Kurdistan Region)."""
    return next((s for s in clause.sentence_sources
                 if (s.data.get("actor") not in (None, attacker) or (s.data.get("actor") is None and s.data.get("official")))
                 and _speaks(clause, s, SPEECH_WINDOW)), None)


def _speaks(clause: Clause, src: Mention, window: int, acts: set[str] = SPEECH_ACTS, subject_first: bool = False) -> bool:
    """A reporting verb or marker stands next to the source: "قالت القيادة…", "…بحسب سنتكوم", "CENTCOM said".
    ``subject_first``: only a name before the verb speaks (English "said Iran-backed militias were…" names
    what was said, not who said it)."""
    return any((0 <= src.start - c.end <= window and not subject_first) or 0 <= c.start - src.end <= window
               for c in clause.sentence_cues if c.data.get("type") in acts)


def fill_attribution(cand: Candidate, clause: Clause, attacker: Role | None) -> None:
    hedges = clause.cue("hedge", whole_sentence=True)
    if hedges:
        cand.hedged = True
        cand.cite("hedged", hedges[0], "cues:hedge")
    for src in clause.sentence_sources:
        # A source that is also a party ("قوات التحالف الدولي") is a source only when it speaks.
        if src.data.get("actor") and not _speaks(clause, src, SAID_BY_WINDOW):
            continue
        if src.entry_id not in cand.said_by:
            cand.said_by.append(src.entry_id)
            cand.cite("said_by", src, f"sources:{src.entry_id}")
    if attacker is None:
        cand.attribution = "unknown"
        return
    claims = [] if clause.cue("no_claim") else clause.cue("claim")
    if claims:
        cand.attribution = "claimed"
        cand.cite("attribution", claims[0], "cues:claim")
    elif hedges:
        cand.attribution = "suspected"
        cand.cite("attribution", hedges[0], "cues:hedge")
    elif (speaker := target_speaks(clause, cand)
          or (None if clause.cue("accuse") else official_speaks(clause, attacker.actor))) is not None:
        # The side that was hit names who fired (CENTCOM: "Iran-backed militants launched…"), or a third
        # official side states it ("SANA: an Israeli strike hit…"); a third side that accuses is a party blaming.
        cand.attribution = "confirmed"
        cand.cite("attribution", speaker, f"official-names-attacker:{speaker.entry_id}")
    elif attacker.rule == "speaker-own-forces":
        # "أعلنت المقاومة أنها استهدفت…", "أعلنت القيادة أن قواتها نفذت…": the attacker says it did it.
        cand.attribution = "claimed"
        cand.cite("attribution", attacker.mention, "attacker-speaks-of-own-strike")
    elif announces(attacker.actor) and attacker.rule in AGENT_RULES and side_speaks(clause, attacker.actor):
        # A state force that says its own forces struck ("CENTCOM said U.S. forces conducted strikes").
        speaker = side_speaks(clause, attacker.actor)
        cand.attribution = "claimed"
        cand.cite("attribution", speaker, f"attacker-side-announces:{speaker.entry_id}")
    elif (attributor := _attributed_by_target(clause, cand, attacker)) is not None:
        # "an attack attributed by the US to Kataib Hezbollah" on US forces: the side that was hit names who fired
        cand.attribution = "confirmed"
        cand.cite("attribution", attributor, "target-side-attributes")
    else:
        cand.attribution = "accused"
        cand.cite("attribution", attacker.mention, f"named-attacker:{attacker.rule}")


ATTRIBUTOR_REACH = 220  # characters from the side that attributes an attack to the side it names
_BY_BEFORE = re.compile(r"(?<!\w)by\s+(?:the\s+)?\Z")
_ATTRIBUTES_AFTER = re.compile(r"\s+(?:has\s+|had\s+|have\s+)?(?:attributed|blamed|ascribed)(?!\w)")


def _attributed_by_target(clause: Clause, cand: Candidate, attacker: Role) -> Mention | None:
    """The side hit is who attributes the attack ("The US has attributed … to Kataib Hezbollah", "attributed by the
    US to…", of an attack on US forces)."""
    if attacker.rule != "accused-behind" or cand.target_actor is None:
        return None
    return next((a for a in clause.actors if actor_code(a) == cand.target_actor and a.end <= attacker.mention.start
                 and attacker.mention.start - a.end <= ATTRIBUTOR_REACH
                 and (_BY_BEFORE.search(clause.text, max(0, a.start - 8), a.start)
                      or _ATTRIBUTES_AFTER.match(clause.text, a.end))), None)
