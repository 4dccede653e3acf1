import pytest

from kg.resolve import canonical_name, entity_id, entity_key, is_alias, same_long_form


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CIFAR-10", "CIFAR10"),
        ("CIFAR-10", "Cifar-10"),
        ("CIFAR-10", "cifar 10"),
        ("graph neural networks", "Graph Neural Network"),
        ("ImageNet-1k", "ImageNet 1K"),
    ],
)
def test_variants_share_a_key(a, b):
    assert entity_key(a) == entity_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("CIFAR-10", "CIFAR-100"),
        ("CIFAR-10", "CIFAR-10-C"),
        ("ImageNet", "ImageNet-21k"),
        ("ImageNet", "Tiny-ImageNet"),
        ("BERT", "RoBERTa"),
        ("NIDS", "NID"),
        ("BraTS", "Brat"),
    ],
)
def test_different_things_keep_different_keys(a, b):
    assert entity_key(a) != entity_key(b)


def test_ids_are_safe_and_deterministic():
    weird = 'x <script>"{}|\\^`\n'
    eid = entity_id("Method", weird)
    assert eid == entity_id("Method", weird)
    assert all(c.isalnum() or c in ":+#*&'" for c in eid)
    assert entity_id("Method", "!!!").startswith("method:h")


def test_canonical_prefers_common_full_form():
    assert canonical_name(["GNN", "GNN", "GNN", "graph neural networks"]) == "graph neural networks"
    assert canonical_name(["Cifar-10", "CIFAR-10", "CIFAR-10"]) == "CIFAR-10"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("QRN architectures", "QRN"),
        ("QRN benchmarks", "QRN"),
        ("sparse gating nets", "sparse gating network"),
        ("sparse gating net", "Sparse Gating Networks"),
        ("Sparse Gating Net", "sparse gating networks"),
        ("QRNs", "QRN"),
    ],
)
def test_type_words_plurals_and_nets_share_a_key(a, b):
    assert entity_key(a) == entity_key(b)


def test_named_nets_keep_their_keys():
    assert entity_key("U-Net") == "unet" and entity_key("ResNet") == "resnet" and entity_key("DenseNet") == "densenet"
    assert entity_key("nnU-Net") == "nnunet" and entity_key("Attention U-Net") == "attentionunet"
    assert entity_key("sparse gating architectures") != entity_key("sparse gating")


def test_long_forms_that_are_one_name():
    assert same_long_form("ring attentional", "ring attention networks")
    assert same_long_form("Ring Attention Nets", "ring attention network")
    assert not same_long_form("ring attention", "ring access network")
    assert not same_long_form("ring", "ring network")


def test_aliases_are_names():
    assert [is_alias(t) for t in ("100", "V2", "v1.5", "b", "QRN-2", "Q2")] == [False, False, False, False, True, True]
