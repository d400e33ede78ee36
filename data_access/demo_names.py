"""Word lists for the synthetic demo municipality.

Given names and surnames are common Dutch ones; the generator combines them at random, so any
resemblance of a combination to a real child is coincidence. Officers, aldermen and authors are
role titles or demo usernames, never names of people. School names are invented ("OBS De
Esdoorn"); only the vestigingsnummer, postcode and sector come from the DUO register.
"""
from __future__ import annotations

FIRST_NAMES = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva",
    "Anna", "Evi", "Saar", "Lotte", "Liv", "Fenna", "Lieke", "Noor", "Isa", "Fleur",
    "Roos", "Lynn", "Sofie", "Maud", "Jasmijn", "Elin", "Femke", "Ilse", "Hanna", "Amber",
    "Noah", "Sem", "Liam", "Lucas", "Daan", "Finn", "Levi", "Luuk", "Mees", "James",
    "Milan", "Sam", "Noud", "Adam", "Bram", "Jesse", "Thijs", "Siem", "Ruben", "Thomas",
    "Gijs", "Jens", "Teun", "Mats", "Hugo", "Tijn", "Lars", "Jurre", "Stijn", "Ties",
    "Mohamed", "Ayoub", "Yusuf", "Amir", "Rayan", "Aya", "Nour", "Lina", "Ilyas", "Selin",
)

LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
    "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
    "van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems",
    "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal",
    "Prins", "Blom", "Huisman", "Peeters", "de Lange", "Kuipers", "van Wijk", "Post", "Kuiper",
    "Veenstra", "Kramer", "van den Brink", "Scholten", "Wouters", "Boersma", "Bosma", "Hofman",
    "Lubbers", "Hulshof", "Oosting", "Kamphuis", "Nijhof", "Wolters", "Hulsegge", "Boerhof",
)

SCHOOL_PREFIXES = {
    "openbaar": ("OBS",),
    "christelijk": ("CBS", "PCBS"),
    "katholiek": ("RKBS", "Basisschool"),
}

SCHOOL_NAMES = (
    "De Esdoorn", "De Linde", "De Wilgenhoek", "De Regenboog", "Het Vlindernest", "Het Kompas",
    "De Springplank", "De Zonnewijzer", "De Klimop", "De Bolster", "De Horizon", "Het Palet",
    "De Sterrenboog", "De Hoeksteen", "De Boomgaard", "De Veldkei", "De Heidebloem", "De Eikenhof",
    "De Berkenhof", "Het Lindeblad", "De Kastanje", "De Notenkraker", "De Zwaluw", "De Kievit",
    "De Ooievaar", "De Vlieger", "De Windroos", "Het Klaverblad", "De Meander", "De Bron",
    "De Marke", "Het Veenpluis", "De Zandloper", "De Dobbelsteen", "De Toermalijn", "De Octopus",
    "De Triangel", "De Parel", "De Ster", "De Lijster", "De Fazant", "De Specht",
    "Het Baken", "De Vuurtoren", "De Wieken", "De Molenwiek", "De Esch", "De Hunze",
    "De Brink", "Het Hooiland", "De Veenhorst", "De Kiezel", "De Wilg", "De Populier",
    "De Beuk", "De Hazelaar", "De Vlonder", "Het Sleutelbloempje", "De Duizendpoot", "De Pinksterbloem",
)

BOARDS_DEMO = {
    "openbaar": "Stichting Openbaar Onderwijs Veenhorst",
    "christelijk": "Stichting Christelijk Primair Onderwijs De Brug",
    "katholiek": "Stichting Katholiek Onderwijs Zuidoost",
}

BOARD_PATTERNS = {
    "openbaar": "Stichting Openbaar Onderwijs {}",
    "christelijk": "Vereniging Christelijk Onderwijs {}",
    "katholiek": "Stichting Katholiek Onderwijs {}",
}

# --- generic phrases (no names of people) ----------------------------------------------------

SCHOOL_CONTACT_NOTES = (
    "Stand van zaken verzuim doorgenomen.",
    "Verzuimregistratie en meldingen besproken.",
    "Afspraken gemaakt over het melden van ongeoorloofd verzuim.",
    "Vragen over verlofaanvragen beantwoord.",
    "Signalen van zorgwekkend ziekteverzuim besproken.",
    "Terugkoppeling op eerdere meldingen gegeven.",
)
CLOSURE_CONTACT_NOTES = (
    "Afstemming over thuisonderwijs tijdens de sluiting.",
    "Leerlingen in beeld gebracht die niet deelnemen aan afstandsonderwijs.",
    "Noodopvang en kwetsbare leerlingen besproken.",
    "Bereikbaarheid van gezinnen tijdens de sluiting besproken.",
)
FAMILY_CONTACT_NOTES_REACHED = (
    "Gesprek gevoerd over schoolgang.",
    "Afspraken gemaakt over aanwezigheid op school.",
    "Ouders geïnformeerd over de leerplicht.",
    "Situatie thuis en op school besproken.",
    "Voortgang van het plan van aanpak besproken.",
)
FAMILY_CONTACT_NOTES_MISSED = (
    "Niet bereikt; voicemail ingesproken.",
    "Niet thuis getroffen; kaartje achtergelaten.",
    "Geen reactie op bericht.",
)
PARTNER_TOPICS = (
    ("GGD", "Overleg jeugdarts over zorgwekkend ziekteverzuim"),
    ("jeugdconsulent", "Casusoverleg met jeugdconsulenten"),
    ("samenwerkingsverband", "Onderwijs-zorgoverleg (OZA)"),
    ("samenwerkingsverband", "Thuiszitterstafel"),
    ("politie", "Afstemming met wijkagent"),
)
