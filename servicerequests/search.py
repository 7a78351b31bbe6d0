"""What a service request search matches, best first (contract section 13).

Read through ``servicerequests.selectors.service_request_search``, which the Web API
(``service_requests/search``) and the staff pages' header search both call.

Ranks: 0 the request's number; 1 the account's number, the caller's e-mail or phone, as
typed (any case); 2 names (every word in the caller's first, last or company name, or in
the account's name), part of an account number, and the beginning of an e-mail or phone;
3 words of the description. The indexes behind each are PostgreSQL's (trigram, B-tree on
the upper-cased e-mail and phone, full text: see the migrations
``customers.0002_search_indexes`` and ``servicerequests.0007_search_indexes``).
"""

from __future__ import annotations

from django.db.models import Q

from crm.search import Branch, any_of, each_word, ids_of, words_in_text, words_of
from customers.models import AccountsReceivable, Contact

NAME_FIELDS = ("first_name", "last_name", "company_name")


def branches(query: str) -> list[Branch]:
    """The ranked conditions for ``query`` (already cleaned: crm.search.clean_query).
    Callers and accounts are looked up first in their small tables (crm.search.ids_of), so
    each branch walks one index of the requests (caller or account, newest first)."""
    words = words_of(query)
    accounts = ids_of(AccountsReceivable.objects.filter(number__iexact=query))
    found = [
        # Numbers are stored upper-case: the unique index answers, no function needed.
        Branch(0, Q(number=query.upper())),
        Branch(1, Q(accounts_receivable__in=accounts)),
        Branch(1, Q(caller_email__iexact=query) | Q(caller_phone__iexact=query)),
        # The beginning, not any part: an index range, where "contains" on a million e-mails
        # that share a domain reads most of a trigram index (servicerequests.0007).
        Branch(2, Q(caller_email__istartswith=query) | Q(caller_phone__istartswith=query)),
    ]
    if words:
        callers = ids_of(Contact.objects.filter(each_word(words, NAME_FIELDS)))
        named = ids_of(
            AccountsReceivable.objects.filter(
                each_word(words, ("name",)) | Q(number__icontains=query)
            )
        )
        found += [
            Branch(2, Q(caller__in=callers)),
            Branch(2, Q(accounts_receivable__in=named)),
            Branch(3, words_in_text("description", words)),
        ]
    return found


def matches(query: str) -> Q:
    """Matching ``query`` at all (the queues' ``q`` filter): the same conditions, unranked."""
    return any_of(branches(query))
