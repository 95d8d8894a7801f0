"""The netwerkuitvraag: partners confirm and complete their own collaborations.

A wijkmakelaar (or beheer) starts a *round* (``Round``) in one wijk: which actors are asked,
an end date and a short introduction. Every asked actor gets a personal link with a long
random token (``tokens``); the store keeps only its digest. On the respondent's page
(``api.web.respondent``) the actor confirms or corrects its own record and its current
collaborations and names whom else it works with. Confirmations of what is shown as it is
update "laatst bevestigd" at once; everything else becomes a ``Proposal`` that a
wijkmakelaar accepts or rejects on the review list (``service.review``), each accepted
change written to the graph store and audited with the round as its source.

- ``model``: the records (round, invitation, statement/proposal) and their enums.
- ``store``: the ``RoundStore`` interface; ``sqlite`` (the accounts file) and ``neo4j``
  (the graph's server, for several app processes) keep them, chosen like the rest of the
  app's shared state (``api.shared``).
- ``tokens``: making and checking the personal links.
- ``service``: starting a round, answering, reviewing and the round's figures.
- ``mail``: the invitations and reminders by SMTP, when a server is configured.
"""
