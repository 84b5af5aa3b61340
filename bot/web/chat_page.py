"""The chat page's HTML: bot/web/static/chat.html with SUPPORT_URL and the full policy's link filled in.

The template's `{{name}}` slots get HTML built here from escaped values, and links only from what
`safe_href` accepts (absolute http(s) or a same-site path): a SUPPORT_URL like `javascript:…` is
shown as text, never made a link. The policy link is worked out per request, so a knowledge
refresh that adds a published `url` shows up without a restart.
"""

from __future__ import annotations

import re
from html import escape

from bot.web.policy_page import PublicPolicy, safe_href


class ChatPage:
    def __init__(self, template: str, support_url: str, policy: PublicPolicy):
        self.template = template
        self.support_url = support_url
        self.policy = policy

    def html(self) -> str:
        support_href = safe_href(self.support_url)
        support_link = (f'<a class="support-link" href="{escape(support_href)}">{escape(self.support_url)}</a>'
                        if support_href else escape(self.support_url))
        policy = self.policy.full_policy_link()
        # No public document: no line at all rather than a link to a page that answers 404.
        policy_line = (f'<p class="policy-link">Full policy: <a id="policy-link" href="{escape(policy[0])}">'
                       f'{escape(policy[1])}</a></p>' if policy else "")
        values = {"support_href": escape(support_href or ""), "support_link": support_link,
                  "policy_line": policy_line}
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], self.template)

    def link_citations(self, body: dict) -> dict:
        """Each citation gets `link`: its published url#anchor, else its section on /policy/<name>."""
        for citation in body.get("citations") or []:
            citation["link"] = self.policy.citation_link(citation)
        return body
