"""Files in, files out: CSV, XLSX, Kumu and JSON imports; CSV, XLSX, JSON, GraphML and GEXF exports.

The flow of an import::

    readers.read_file(name, data)   bytes -> tables of rows (headers mapped by ``columns``)
    plan.build_plan(store, tables)   rows  -> a dry run: create/update/skip per row + problems
    apply.apply_plan(store, plan)    plan  -> one ``store.bulk_upsert`` (all or nothing)

``duplicates`` finds likely duplicate actors and merges two of them; ``exports`` writes the
store's graph in the shapes the importer reads back.
"""
