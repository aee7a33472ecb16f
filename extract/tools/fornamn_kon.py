"""Writes extract/gazetteers/fornamn_kon.tsv: the gender of given names.

Source: the female and male first-name lists of the Python package Faker
40.54.0 (PyPI 'faker', MIT licence), faker/providers/person/<locale>/
__init__.py, the locales fornamn.tsv was taken from (sv_SE first, whose lists
are Isof's name statistics). A name only in female lists is 'k', only in male
lists 'm'; a name in both (Kim, Robin, Andrea...) is left out, so its gender
stays unknown. Only names of fornamn.tsv are written.

Run: pip install faker==40.54.0 && python extract/tools/fornamn_kon.py
"""

import importlib
import pathlib

LOCALES = ["sv_SE", "da_DK", "no_NO", "fi_FI", "en_US", "en_GB"]
HERE = pathlib.Path(__file__).resolve().parent.parent / "gazetteers"


def main():
    known = set()
    for line in (HERE / "fornamn.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            known.add(line.split("\t")[0])
    genders = {}
    for loc in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr, g in (("first_names_female", "k"), ("first_names_male", "m")):
            for name in getattr(provider, attr, ()):
                genders.setdefault(name, set()).add(g)
    rows = sorted(
        (n, next(iter(g))) for n, g in genders.items() if n in known and len(g) == 1
    )
    header = """# fornamn_kon.tsv: the gender of given names, for resolving hon/han.
# Columns: name<TAB>kön
#   name - a given name of fornamn.tsv, as written there;
#   kön  - k (kvinna: only in female lists) or m (man: only in male lists).
# Names in both lists (Kim, Robin...) and names of no list are absent: their
# gender is unknown and a pronoun may refer to them.
# Use: "Hon"/"Han" refer back to the most recent person whose given name is
# not of the other gender.
# Source: the female and male first-name lists of Faker 40.54.0 (PyPI 'faker',
#   MIT licence), locales sv_SE, da_DK, no_NO, fi_FI, en_US, en_GB.
# Made by extract/tools/fornamn_kon.py; edit by hand if a name is wrong.
"""
    with open(HERE / "fornamn_kon.tsv", "w", encoding="utf-8") as out:
        out.write(header)
        for name, g in rows:
            out.write(f"{name}\t{g}\n")
    print(f"wrote {len(rows)} names")


if __name__ == "__main__":
    main()
