"""The audit log: which API key changed what in an organisation, and when.

An event is written in the same transaction as the change it describes, so a rolled-back change leaves none and a
committed one always has one. It names the actor key (id and name), the action, the object (type and id) and a few
counts or field names; never a value someone typed, an answer, a token, a key's secret or a file's contents.
Respondents' own actions (saving a draft, submitting) are not audited: a timestamp per response would undo the
anonymity that storing responses without one buys.
"""
