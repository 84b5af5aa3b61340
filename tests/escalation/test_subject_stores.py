"""Subject stores in isolation: conversation context (`conversation_turns`, migration 6) found through the
person's hand-offs and web chat ids, with LIKE wildcards in ids taken literally."""

from __future__ import annotations

from bot.escalation import Asker, Escalations, EscalationStore, ReplyTo
from bot.settings import Settings
from bot.store.database import Database
from bot.subjects import ConversationData, Subject, erase, export


def test_conversation_turns_are_found_through_hand_offs_and_chat_ids_and_erased(tmp_path):
    settings = Settings.from_mapping({"DATA_DIR": str(tmp_path)})
    db = Database(settings.state_db)
    assert ConversationData(db).find(Subject(emails=frozenset({"dana@acme.example"}))) == []
    escalations = Escalations(EscalationStore(db), settings)
    escalations.escalate(reason="data_request", asker=Asker.customer("cus_1", "dana@acme.example"),
                         reply_to=ReplyTo("api", "zd_1"), question="Delete me")
    with db.transaction() as conn:
        for key, question in (("api:0:zd_1", "Dana: what do you keep?"), ("api:1:zd_1", "Dana again"),
                              ("api:0:zdX1", "someone else's"),  # '_' must not match any character
                              ("web:abc_def123456789", "Dana in the chat"), ("web:abcXdef999", "another visitor")):
            conn.execute("INSERT INTO conversation_turns (conversation_key, seq, created_at, question)"
                         " VALUES (?, 1, 1.0, ?)", (key, question))
    dana = Subject(emails=frozenset({"dana@acme.example"}), customer_ids=frozenset({"web-chat:abc_def123"}))
    found = export(db, settings, dana)["stores"]["conversation_turns"]
    assert sorted(t["question"] for t in found) == ["Dana again", "Dana in the chat", "Dana: what do you keep?"]
    report = erase(db, settings, dana)
    assert report["erased"]["conversation_turns"] == 3
    left = [row[0] for row in db.query("SELECT question FROM conversation_turns ORDER BY question")]
    assert left == ["another visitor", "someone else's"]
    db.close()
