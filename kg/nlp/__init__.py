"""The extraction pipeline: spaCy components for links, abbreviations, gazetteer, rules, NER."""
