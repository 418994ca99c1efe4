"""Hypothesis strategies for DynamoDB documents of every type."""

from decimal import Decimal

from hypothesis import strategies as st

from contacts.forms import ContactForm

DECLARED_FIELDS = ("id", *ContactForm.base_fields)

# Names: any text DynamoDB accepts, including reserved words, spaces, dots and unicode.
names = st.one_of(
    st.sampled_from(["name", "status", "data", "date", "key", "user", "comment", "ttl",
                     "first name", "a.b", "x#y", ":v", "ünï cödé", "名前", "<b>"]),
    st.text(min_size=1, max_size=12),
)


@st.composite
def numbers(draw):
    """Numbers DynamoDB stores exactly: up to 38 significant digits, exponents within range."""
    digits = draw(st.text(alphabet="0123456789", min_size=1, max_size=38))
    if set(digits) == {"0"}:
        return Decimal(0)
    significant = len(digits.lstrip("0"))
    exponent = draw(st.integers(min_value=-129, max_value=125 - significant + 1))
    sign = draw(st.sampled_from(["", "-"]))
    return Decimal(f"{sign}{digits}E{exponent}")


strings = st.text(max_size=20)
scalars = st.one_of(
    strings, numbers(), st.binary(max_size=12), st.booleans(), st.none(),
)
sets = st.one_of(
    st.sets(strings, min_size=1, max_size=4),
    st.sets(numbers(), min_size=1, max_size=4),
    st.sets(st.binary(max_size=8), min_size=1, max_size=4),
)
values = st.recursive(
    st.one_of(scalars, sets),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(names, children, max_size=4),
    ),
    max_leaves=8,
)
other_attributes = st.dictionaries(
    names.filter(lambda name: name not in DECLARED_FIELDS), values, max_size=6
)
