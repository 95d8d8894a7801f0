"""Demo data for wijknet: fictional actors and links in the 12 pilot wijken.

**Fictieve demodata** (synthetic data). The wijken are the real PlusWIJken pilot wijken,
but every organisation, professional, residents' initiative and collaboration generated
here is made up. Person names are random combinations of common Dutch and Limburg first
names and surnames, not real people; e-mail addresses use the reserved ``.example`` domain
and phone numbers start with ``06-00``, a range that is never issued. Every actor's
description says, in Dutch, that the data is fictional (``FICTIONAL_MARK``). Names within
a wijk are distinct and never numbered, and no two are so alike that the Dubbelingen page
pairs them, except the duplicates planted on purpose.

The generator is deterministic: the same ``seed`` gives the same data in every run and every
Python process (it uses only ``random.Random`` instances seeded with strings, never the
global random state, and never iterates over an unsorted set). All dates in the data are
fixed relative to ``DEMO_DATE``, not to today, so "ended" and "recent" mean the same in
every run.

- ``generate(seed)`` gives the 12 pilot wijken with 40-150 actors each: organisations,
  professionals (each working at an organisation of the same wijk) and inwonersinitiatieven,
  with dense clusters inside the zorgdomein and inside the sociaal domein, few ties across,
  a few brokers, some isolated initiatives, and links that ended or began recently. Wijken
  differ on purpose (size, cross-domain ties, brokers, kernaanpak coverage). Each wijk also
  has 2-3 likely duplicates planted on purpose (``DemoData.planted``: an organisation, a
  professional with a typo in the surname, sometimes an initiative) and a history of when
  each record was entered and confirmed (``graph.demo.timeline``), so that 16-24 % of its
  actors, and about as many links, are not confirmed for over a year ("Actueel houden").
- ``load_demo(store)`` writes it as it was entered: sessions of ``bulk_upsert`` and
  confirmations, stamped that many days before the moment of loading, so the page
  "Actueel houden" shows the same share whenever the demo is loaded (loading twice changes
  nothing).
- ``generate_wijk(slug, n_actors, seed)`` and ``generate_region(n_actors, n_links, seed)``
  produce large synthetic data for benchmarks, without history or planted duplicates
  (names are numbered only when a very large wijk has used up the plausible ones).

The modules: ``profiles`` (the pilot wijken and the tables the data is drawn from),
``builder`` (one wijk's actors and links, step by step), ``timeline`` (when records were
entered and confirmed) and ``synthetic`` (the seeded generators above).
"""

from graph.demo.profiles import (
    DEMO_DATE,
    FICTIONAL_MARK,
    FIRST_NAMES,
    PILOT_WIJKEN,
    SURNAMES,
    WijkProfile,
)
from graph.demo.synthetic import (
    DemoData,
    generate,
    generate_region,
    generate_wijk,
    load_demo,
)

__all__ = [
    "DEMO_DATE",
    "FICTIONAL_MARK",
    "FIRST_NAMES",
    "PILOT_WIJKEN",
    "SURNAMES",
    "DemoData",
    "WijkProfile",
    "generate",
    "generate_region",
    "generate_wijk",
    "load_demo",
]
