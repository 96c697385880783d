"""The pages, one module per page family; transcripts/urls.py maps them."""
