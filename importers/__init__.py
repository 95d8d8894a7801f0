"""Files in, files out: CSV, XLSX, Kumu, JSON, GraphML and GEXF imports and exports.

The flow of an import (``apply.plan_files`` runs the first five steps)::

    readers.read_raw(name, data)        bytes -> raw tables (a grid, or records with own keys)
    mapping.propose(raw, wijken)        raw   -> the mapping wijknet proposes (+ ProposalInfo)
    mapping.effective(proposal, user, defaults)  the user's mapping and defaults win
    mapping.apply_mapping(raw, mapping) raw   -> tables of canonical fields for the planner
    plan.build_plan(store, tables)      rows  -> a dry run: create/update/skip per row + problems
    apply.apply_plan(store, plan)       plan  -> one ``store.bulk_upsert`` (all or nothing)

``duplicates`` finds likely duplicate actors and merges two of them; ``exports`` writes the
store's graph in the shapes the importer reads back.
"""
