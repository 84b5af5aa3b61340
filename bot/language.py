"""Is a message written in a language other than English? (the assistant answers in English only)

The embedding model and the router's training lines are English: a request written in Spanish,
Portuguese, German, French or Italian reads to them as noise and would be declined as off-topic —
a data-subject request declined is a missed legal deadline. So a message that is clearly in one of
those languages goes to a person, who can answer in it (bot/assistant.py).

"Clearly": at least three of the language's most common function words (articles, pronouns,
prepositions, conjunctions, the polite "I would like" / "can you" verbs — lists written from general knowledge of the languages, not from any
message) and more of them than English function words. Words that are also English ("a", "in",
"come", "die", "son", "mi") are left out, so English with a foreign name or phrase stays English.
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)

FOREIGN_FUNCTION_WORDS = frozenset("""
el la los las del al un una unos unas y o pero que qué por para con sin sobre entre hasta desde
mis tus sus nuestro nuestra nuestros mí yo usted ustedes ellos ella es son está están fue ser muy
también ya cuando donde dónde cómo porque todos todas este esta estos estas eso esa quiero necesito
os das dos da na nas nos no ao aos pelo pela pelos pelas uma umas meus minhas meu minha seu sua
você vocês eu ele ela são está estão foi ser muito também já quando onde porque todos todas este
esta isso essa gostaria preciso não
der die das den dem des ein eine einen einem einer und oder aber dass nicht mit ohne für über
zwischen bis von vom zum zur ich mich mir mein meine meinen meiner sie ihr ihre ihren wir uns unser
ist sind war wird werden bitte alle auch schon wenn wo wie warum diese dieser dieses
le les un une des du de au aux et ou mais que qui pas avec sans pour sur entre jusqu depuis je moi
mes ma mon vous nous ils elles est sont était être très aussi déjà quand où comment pourquoi tous
toutes cette ces merci votre vos
il lo gli le un una uno dei degli delle della dello del al alla alle ai e o ma che non con senza
per su tra fino io mio mia miei mie voi noi loro è sono era essere molto anche già quando dove
perché tutti tutte questo questa questi queste grazie vostro vostra vostri quanto quale quali chi cosa
quisiera puede pueden podrían podem poderiam möchte möchten können könnten voudrais pouvez pourriez
vorrei potete potreste posso
""".split()) - frozenset("""
a i in on as an no to do die come son pro me mi is dos use we us per era same sure
""".split())

ENGLISH_FUNCTION_WORDS = frozenset("""
the a an and or but that this these those of to in on for with without about from by at is are was
were be been being i me my mine you your we our they their it its he she his her what which who how
why when where do does did can could would should will please all also not any have has had there
""".split())

MIN_FOREIGN_WORDS = 2


def looks_foreign(text: str) -> bool:
    """Whether the message is clearly written in Spanish, Portuguese, German, French or Italian."""
    words = [w.lower() for w in _WORDS.findall(text)]
    foreign = sum(w in FOREIGN_FUNCTION_WORDS for w in words)
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    return foreign >= MIN_FOREIGN_WORDS and foreign > english
