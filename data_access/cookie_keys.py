"""Whether a cookie key is strong enough to sign session cookies (Dutch reasons).

One rule for both keys the app signs with: the configured ``[auth_cookie] key``
(``auth_rules.cookie_config`` refuses to start with a weak one) and the demo's own key file
(``demo_mode.cookie_key`` replaces a weak one). It sits apart from both so that neither imports
the other for it (tests/test_architecture.py: no import cycle).
"""
from __future__ import annotations

import math
import re
import zlib

MIN_KEY_BYTES = 32
EXAMPLE_KEY_MARKERS = (
    "voorbeeld", "example", "vervang", "replace", "changeme", "change-me", "change_me",
    "some_key", "some_signature_key", "placeholder", "xxxxxxxx", "geheim", "secret",
)
KEY_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


def estimated_key_bytes(key: str) -> int:
    """Random bytes a key can hold at most, judged by its alphabet (hex 4, base64 6 bits/char)."""
    if re.fullmatch(r"[0-9a-fA-F]+", key):
        bits = 4 * len(key)
    elif re.fullmatch(r"[A-Za-z0-9_\-+/]+=*", key):
        bits = 6 * len(key.rstrip("="))
    else:
        bits = 6 * len(key)
    return bits // 8


# Words people build passphrases from. A key made of words is worth what a word is worth, not
# what its letters look like: "zomer-fiets-boom-water-huis-kat" has 35 characters but about 6 × 13
# bits. The list is short on purpose (the most common Dutch and English words and the usual
# password words); together with the word-shape rule below it catches hand-made passphrases,
# while a key from secrets.token_urlsafe (mixed case, digits) is unaffected.
COMMON_WORDS = frozenset("""
de het een en van ik te dat die in is niet op zijn met voor hij maar wat als er aan ook nog bij
naar uit of om dan kan zo heb wel al hoe was door over geen mijn meer tot goed jij wij zij hier
daar waar wie welkom wachtwoord geheim sleutel gemeente leerplicht school scholen kind jongere
zomer winter lente herfst huis boom water fiets auto kat hond vogel fietsen paard koe appel
peer zon maan ster regen wind vuur aarde groen rood blauw geel zwart wit oranje paars dag nacht
week jaar maand morgen vandaag liefde vriend vrienden familie moeder vader broer zus amsterdam
rotterdam utrecht nederland holland test admin beheer demo lea dashboard inloggen gebruiker
the be to of and a in that have it for not on with he as you do at this but his by from they we
say her she or an will my one all would there their what so up out if about who get which go me
when make can like time no just him know take people into year your good some could them see
other than then now look only come its over think also back after use two how our work first
well way even new want because any these give day most us password secret key letmein welcome
admin root login user dragon monkey master shadow sunshine football baseball princess qwerty
correct horse battery staple summer winter spring autumn house tree water bike cat dog bird
apple pear sun moon star rain wind fire earth green red blue yellow black white purple night
love friend friends family mother father brother sister changeme example replace default
""".split())
WORD_BITS = 13.0     # log2(7776): a word from a diceware list of 7776 words, the most a picked word is worth
MIN_KEY_BITS = 128
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[\W_]+")


def _alphabet_bits(key: str) -> float:
    """Bits per character judged by the classes of characters the key uses."""
    size = (26 if re.search(r"[a-z]", key) else 0) + (26 if re.search(r"[A-Z]", key) else 0) \
        + (10 if re.search(r"\d", key) else 0) + (33 if re.search(r"[^A-Za-z0-9]", key) else 0)
    return math.log2(max(size, 2))


def _is_word_like(token: str) -> bool:
    """Letters in one case style (word, Word, WORD) with a vowel: how people write words."""
    return (len(token) >= 4 and (token.islower() or token.isupper() or token.istitle())
            and re.search(r"[aeiouyAEIOUY]", token) is not None)


def estimated_entropy_bits(key: str) -> float:
    """A cautious estimate of the key's entropy: each dictionary or word-like run of letters counts
    as one word (WORD_BITS), every other character by the key's alphabet; a repeated run counts once."""
    per_char = _alphabet_bits(key)
    bits, seen = 0.0, set()
    for token in _TOKEN.findall(key):
        lowered = token.lower()
        if lowered in seen:
            continue  # "zomerzomerzomer", "abcabc": repetition adds nothing an attacker must guess
        seen.add(lowered)
        if token.isalpha() and (lowered in COMMON_WORDS or _is_word_like(token)):
            bits += WORD_BITS
        elif token.isalpha():
            bits += _letters_bits(token, per_char)
        else:
            bits += len(token) * per_char
    return bits


def _letters_bits(token: str, per_char: float) -> float:
    """A run of letters: dictionary words inside it (longest first) count as words."""
    rest, bits = token.lower(), 0.0
    for word in sorted((w for w in COMMON_WORDS if len(w) >= 4), key=len, reverse=True):
        while word in rest:
            rest = rest.replace(word, " ", 1)
            bits += WORD_BITS
    return bits + len(rest.replace(" ", "")) * per_char


def _word_share(key: str) -> float:
    """The share of the key's letters that are dictionary words (≥ 3 letters)."""
    letters = sum(ch.isalpha() for ch in key)
    if not letters:
        return 0.0
    lowered = key.lower()
    covered = 0
    for word in sorted((w for w in COMMON_WORDS if len(w) >= 3), key=len, reverse=True):
        while word in lowered:
            lowered = lowered.replace(word, " " * len(word), 1)
            covered += len(word)
    return covered / letters


def key_problem(key: object) -> str | None:
    """Why a cookie key is not acceptable (Dutch), or None when it is."""
    if not isinstance(key, str) or not key.strip():
        return "de cookiesleutel ontbreekt"
    lowered = key.lower()
    if any(marker in lowered for marker in EXAMPLE_KEY_MARKERS):
        return "de cookiesleutel is een voorbeeldsleutel"
    if estimated_key_bytes(key) < MIN_KEY_BYTES:
        return f"de cookiesleutel is te kort (minstens {MIN_KEY_BYTES} willekeurige bytes)"
    if _word_share(key) >= 0.5:
        return "de cookiesleutel is een wachtzin van gewone woorden, niet willekeurig"
    most_common = max(key.count(ch) for ch in set(key))
    if len(set(key)) < 10 or most_common > 0.35 * len(key) or len(zlib.compress(key.encode(), 9)) < 0.6 * len(key):
        return "de cookiesleutel is niet willekeurig genoeg"
    bits = estimated_entropy_bits(key)
    if bits < MIN_KEY_BITS:
        return (f"de cookiesleutel is te voorspelbaar (geschat {bits:.0f} bits willekeur, minstens "
                f"{MIN_KEY_BITS})")
    return None
