"""Plain-Dutch (B1) explanations of the key figures and the suggestion score.

Shown behind an ⓘ beside each figure on the wijk page and beside the figures of the effect
of verbinden on Vergelijken and the trend (``_uitleg.html``): what the figure counts and
what a high or a low value means for the wijk.
"""

from __future__ import annotations

__all__ = ["EXPLANATIONS"]

EXPLANATIONS: dict[str, str] = {
    "actors": (
        "Alle organisaties, professionals en inwonersinitiatieven in de wijk op deze datum. "
        "Meer actoren is niet vanzelf beter: het gaat erom of ze elkaar kennen."
    ),
    "links": (
        "Alle samenwerkingen en contacten tussen de actoren, ook wie bij welke organisatie "
        "werkt. Meer verbindingen betekent: mensen vinden elkaar makkelijker."
    ),
    "average_degree": (
        "Met hoeveel anderen een actor gemiddeld verbonden is. Hoog: actoren kennen veel "
        "anderen. Laag (onder 2): veel actoren hangen aan één draadje."
    ),
    "density": (
        "Welk deel van alle mogelijke verbindingen er echt is, van 0 tot 1. In een wijk is dit "
        "bijna altijd laag, want niet iedereen hoeft iedereen te kennen. Vergelijk daarom "
        "liever het aantal verbindingen per actor."
    ),
    "components": (
        "Groepjes die met de rest van de wijk geen enkele verbinding hebben. 1 is het beste: "
        "dan kan iedereen iedereen via via bereiken. Bij meer losse delen moet iemand een "
        "brug slaan."
    ),
    "fragmentation": (
        "De kans dat twee actoren elkaar ook via via niet kunnen bereiken. 0% betekent: één "
        "netwerk. Hoe hoger, hoe meer de wijk uit elkaar valt."
    ),
    "cross_domain_share": (
        "Welk deel van de verbindingen tussen verschillende domeinen loopt, bijvoorbeeld "
        "tussen zorg en gemeente. Hoog: de domeinen werken samen. Laag: iedereen blijft in "
        "zijn eigen domein."
    ),
    "zorg_sociaal_share": (
        "Welk deel van de verbindingen tussen de zorg en het sociaal domein loopt: de kern van "
        "PlusWIJken. Laag betekent: huisarts, wijkverpleging en sociaal werk kennen elkaar "
        "nog weinig."
    ),
    "score": (
        "Hoe sterk de redenen zijn om elkaar te ontmoeten: gedeelde partners, dezelfde "
        "thema's, een kernaanpak die hen nodig heeft, verschillende domeinen. Hoger is "
        "dringender. Het is geen oordeel over de actoren zelf."
    ),
    "effect_taken_up": (
        "Hoeveel voorstellen om elkaar te ontmoeten het team in deze periode heeft opgepakt. "
        "Opgepakt is: er is een eerste stap vastgelegd, zoals benaderd. Hoog betekent: het "
        "team heeft veel gekoppeld. Laag kan ook: er waren weinig voorstellen nodig."
    ),
    "effect_in_progress": (
        "Van de opgepakte voorstellen: hoeveel aan het eind van de periode nog lopen. De "
        "actoren zijn benaderd, hebben een afspraak of hebben elkaar al ontmoet. Hoog: er "
        "komt nog werk aan."
    ),
    "effect_realised": (
        "Van de opgepakte voorstellen: hoeveel aan het eind van de periode een echte "
        "verbinding of vastgelegde samenwerking zijn geworden. Hoger is beter: dan leidt "
        "het koppelen tot resultaat."
    ),
    "effect_declined": (
        "Van de opgepakte voorstellen: hoeveel als niet relevant zijn afgewezen. Dat is "
        "geen fout. Is dit hoog, kijk dan of de voorstellen wel passen bij de wijk."
    ),
    "effect_new_links": (
        "Verbindingen die in deze periode zijn ontstaan, met of zonder voorstel. Hoog "
        "betekent: het netwerk groeit. Vul bij een nieuwe verbinding de datum in, dan klopt "
        "dit getal."
    ),
    "effect_cross_domain": (
        "Van de nieuwe verbindingen: hoeveel tussen twee verschillende domeinen lopen, "
        "bijvoorbeeld tussen zorg en sociaal. Hoog is goed: dat is waar PlusWIJken om draait."
    ),
    "effect_isolates": (
        "Actoren zonder een enkele verbinding, vóór en na de periode. Het getal tussen "
        "haakjes is het verschil. Lager is beter: dan hoort iedereen ergens bij."
    ),
    "effect_fragmentation": (
        "De kans dat twee actoren elkaar ook via via niet kunnen bereiken, vóór en na de "
        "periode. Het getal tussen haakjes is het verschil. Lager is beter: het netwerk "
        "hangt dan beter samen."
    ),
    "effect_realised_total": (
        "Hoeveel voorstellen sinds het begin van de grafiek zijn opgepakt en op dat moment "
        "gerealiseerd zijn. Hoger is beter. Een stijgende lijn betekent: het koppelen "
        "levert steeds meer verbindingen op. Een vlakke lijn: er komt niets bij."
    ),
}
