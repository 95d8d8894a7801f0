"""Synthetic demo data for wijknet: fictional actors and links in the 12 pilot wijken.

**Fictieve demodata (synthetic).** The wijken are the real PlusWIJken pilot wijken, but every
organisation, professional, residents' initiative and collaboration generated here is made
up. Person names are random combinations of common Dutch and Limburg first names and
surnames, not real people; e-mail addresses use the reserved ``.example`` domain and phone
numbers start with ``06-00``, a range that is never issued. Every actor's description says
the data is fictional.

The generator is deterministic: the same ``seed`` gives the same data in every run and every
Python process (it uses only ``random.Random`` instances seeded with strings, never the
global random state, and never iterates over an unsorted set). All dates are fixed relative
to ``DEMO_DATE``, not to today, so "ended" and "recent" mean the same in every run.

- ``generate(seed)`` gives the 12 pilot wijken with 40-150 actors each: organisations,
  professionals (each working at an organisation of the same wijk) and inwonersinitiatieven,
  with dense clusters inside the zorgdomein and inside the sociaal domein, few ties across,
  a few brokers, some isolated initiatives, and links that ended or began recently. Wijken
  differ on purpose (size, cross-domain ties, brokers, kernaanpak coverage).
- ``load_demo(store)`` writes it with one ``bulk_upsert`` (loading twice changes nothing).
- ``generate_wijk(slug, n_actors, seed)`` and ``generate_region(n_actors, n_links, seed)``
  produce large synthetic data for benchmarks.

The modules: ``profiles`` (the pilot wijken and the tables the data is drawn from),
``builder`` (one wijk's actors and links, step by step) and ``synthetic`` (the seeded
generators above).
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
