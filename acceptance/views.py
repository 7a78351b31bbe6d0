"""The page a customer's acceptance link opens (no sign-in, contract section 12).

GET only shows: mail scanners and link previews open links, so opening one must change
nothing. The buttons POST (CSRF-protected) to the same address. The page shows the request's
number, type and description and the step's text, nothing else of the staff side.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View

from acceptance import links
from acceptance.services import LinkRefused, acceptance_link_accept, acceptance_link_decline
from servicerequests.steps import BY_NAME

# HTTP status of each refusal: a link that was good and no longer is is Gone; one that
# never was (tampered) is a bad request; an acceptance already recorded is no error.
STATUS = {
    links.OPEN: 200,
    links.ACCEPTED: 200,
    links.USED: 410,
    links.EXPIRED: 410,
    links.NOT_CURRENT: 410,
    links.INVALID: 400,
}


class AcceptanceLinkView(View):
    http_method_names = ["get", "post"]

    def get(self, request, token: str):
        link, state = self._read(token)
        return self._page(request, link, state)

    def post(self, request, token: str):
        link, state = self._read(token)
        if state != links.OPEN:
            return self._page(request, link, state)
        choice = request.POST.get("choice")
        if choice not in ("accept", "decline"):
            return self._page(request, link, state, error="Choose Accept or Decline.")
        try:
            if choice == "accept":
                acceptance_link_accept(link_id=link.pk)
            else:
                acceptance_link_decline(link_id=link.pk, comment=request.POST.get("comment", ""))
        except LinkRefused as refused:
            link.refresh_from_db()
            return self._page(request, link, refused.state)
        return self._page(request, link, state, done=choice)

    def _read(self, token: str):
        link, state = links.link_for_token(token)
        if link is None:
            return None, state
        return link, links.state_of(link, link.service_request, timezone.now())

    def _page(self, request, link, state: str, *, done: str = "", error: str = ""):
        # Rendered without the request's context processors: the staff pages' sidebar and
        # saved views are nothing of the customer's (and would cost queries for a signed-in
        # visitor); the form needs only the CSRF token.
        context = {"state": state, "done": done, "error": error, "csrf_token": get_token(request)}
        if link is not None and state != links.INVALID:
            sr = link.service_request
            context.update(sr=sr, step=links.step_text(sr, BY_NAME[link.step]))
        status = 422 if error else (200 if done else STATUS[state])
        page = loader.get_template("acceptance/link.html").render(context)
        response = HttpResponse(page, status=status)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token must not leave in a Referer. Not "no-referrer": under it browsers send
        # "Origin: null" with the buttons' POST, which Django's CSRF check rightly refuses
        # (the browser test caught it); "same-origin" sends the origin to us and nothing out.
        response["Referrer-Policy"] = "same-origin"
        add_never_cache_headers(response)
        return response
