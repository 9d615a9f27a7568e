"""Every error path of ParseThresholdConfig, with the kubelet's exact message text,
the float32 percentage quirk, and KubeletConfiguration defaulting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reference_impl.eviction import api
from reference_impl.eviction import helpers as h
from reference_impl.eviction.api import ThresholdValue, get_threshold_quantity
from reference_impl.eviction.kubeletconfig import (
    KubeletConfigError,
    eviction_settings,
    load_eviction_settings,
)
from reference_impl.quantity import ERR_FORMAT_WRONG, ERR_SUFFIX, parse_quantity


def parse(hard=None, soft=None, grace=None, reclaim=None, alloc=None):
    return h.parse_threshold_config(alloc or [], hard, soft, grace, reclaim)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hard": {"mem.available": "1Gi"}}, "unsupported eviction signal mem.available"),
        ({"hard": {"pid.available": "100"}}, "unsupported eviction signal pid.available"),
        (
            {"hard": {"allocatableNodeFs.available": "1Gi"}},
            "unsupported eviction signal allocatableNodeFs.available",
        ),
        (
            {"hard": {"memory.available": "-150Mi"}},
            "eviction threshold memory.available must be positive: -150Mi",
        ),
        (
            {"hard": {"memory.available": "0Mi"}},
            "eviction threshold memory.available must be positive: 0",
        ),
        (
            {"hard": {"memory.available": "-15%"}},
            "eviction percentage threshold memory.available must be >= 0%: -15%",
        ),
        (
            {"hard": {"memory.available": "10001%"}},
            "eviction percentage threshold memory.available must be <= 100%: 10001%",
        ),
        (
            {"hard": {"memory.available": "ten%"}},
            'strconv.ParseFloat: parsing "ten": invalid syntax',
        ),
        (
            {"hard": {"memory.available": "1e39%"}},
            'strconv.ParseFloat: parsing "1e39": value out of range',
        ),
        ({"hard": {"memory.available": "1GB"}}, ERR_FORMAT_WRONG),
        ({"hard": {"memory.available": "1mi"}}, ERR_SUFFIX),
        (
            {"soft": {"memory.available": "1Gi"}},
            "grace period must be specified for the soft eviction threshold memory.available",
        ),
        (
            {"soft": {"memory.available": "1Gi"}, "grace": {"memory.available": "-30s"}},
            "invalid eviction grace period specified: -30s, must be a positive value",
        ),
        ({"grace": {"memory.available": "30"}}, "time: missing unit in duration 30"),
        ({"grace": {"memory.available": "30x"}}, "time: unknown unit x in duration 30x"),
        ({"grace": {"memory.available": "soon"}}, "time: invalid duration soon"),
        ({"grace": {"foo.bar": "30s"}}, "unsupported eviction signal foo.bar"),
        ({"reclaim": {"foo.bar": "1Gi"}}, "unsupported eviction signal foo.bar"),
        (
            {"reclaim": {"memory.available": "-300Mi"}},
            "negative eviction minimum reclaim specified for memory.available",
        ),
        (
            {"reclaim": {"memory.available": "0%"}},
            "eviction percentage minimum reclaim memory.available must be positive: 0%",
        ),
        (
            {"reclaim": {"memory.available": "x%"}},
            'strconv.ParseFloat: parsing "x": invalid syntax',
        ),
    ],
)
def test_threshold_config_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(h.ThresholdConfigError) as info:
        parse(**kwargs)
    assert str(info.value) == message


def test_percentage_quirk_150_percent_is_accepted() -> None:
    # The upper bound is checked after dividing by 100, so only >10000% fails.
    (threshold,) = parse(hard={"memory.available": "150%"})
    assert threshold.value.percentage == api.float32(1.5)


def test_float32_percentages_make_10_percent_of_10gi_1073741840() -> None:
    (threshold,) = parse(hard={"nodefs.available": "10%"})
    assert threshold.value.percentage == api.float32(0.1) != 0.1
    got = get_threshold_quantity(threshold.value, parse_quantity("10Gi"))
    assert got.value() == 1073741840


def test_threshold_order_and_min_reclaim_pointers() -> None:
    thresholds = parse(
        hard={"memory.available": "100Mi"},
        soft={"memory.available": "200Mi"},
        grace={"memory.available": "1m30s"},
        reclaim={"memory.available": "50Mi"},
        alloc=["pods"],
    )
    signals = [t.signal for t in thresholds]
    assert signals == ["memory.available", "memory.available", "allocatableMemory.available"]
    hard, soft, alloc = thresholds
    assert soft.grace_period == timedelta(seconds=90)
    # Go: a distinct MinReclaim per threshold sharing one Quantity; the allocatable
    # copy shares both pointers with the hard threshold it was copied from.
    assert hard.min_reclaim is not soft.min_reclaim
    assert hard.min_reclaim.quantity is soft.min_reclaim.quantity  # type: ignore[union-attr]
    assert alloc.min_reclaim is hard.min_reclaim and alloc.value is hard.value
    assert alloc.grace_period == timedelta(0)


def test_threshold_keys_behave_like_go_struct_keys() -> None:
    shared = parse_quantity("1Gi")
    a = api.Threshold("memory.available", "LessThan", ThresholdValue(quantity=shared))
    b = api.Threshold("memory.available", "LessThan", ThresholdValue(quantity=shared))
    c = api.Threshold(
        "memory.available", "LessThan", ThresholdValue(quantity=parse_quantity("1Gi"))
    )
    assert a == b and hash(a) == hash(b)
    assert a != c  # same value, different pointer: a different map key in Go
    assert h.has_threshold([c], a)  # but hasThreshold compares values


def test_kubelet_defaults_1_10() -> None:
    settings = eviction_settings(
        {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}
    )
    described = {(t.signal, t.value.describe()) for t in settings.thresholds}
    assert described == {
        ("memory.available", "100Mi"),
        ("nodefs.available", "10%"),
        ("nodefs.inodesFree", "5%"),
        ("imagefs.available", "15%"),
        ("allocatableMemory.available", "100Mi"),  # enforceNodeAllocatable defaults to pods
    }
    assert settings.config.pressure_transition_period == timedelta(minutes=5)
    assert settings.config.max_pod_grace_period_seconds == 0
    assert settings.monitoring_period == timedelta(seconds=10)


def test_kubelet_config_overrides_and_flags() -> None:
    doc = {
        "evictionHard": {"memory.available": "500Mi"},
        "evictionSoft": {"nodefs.available": "20%"},
        "evictionSoftGracePeriod": {"nodefs.available": "2m"},
        "evictionPressureTransitionPeriod": "30s",
        "evictionMaxPodGracePeriod": 60,
        "featureGates": {"PodPriority": True},
    }
    settings = eviction_settings(doc, experimental_allocatable_ignore_eviction=True)
    assert [t.signal for t in settings.thresholds] == ["memory.available", "nodefs.available"]
    assert settings.config.pressure_transition_period == timedelta(seconds=30)
    assert settings.config.max_pod_grace_period_seconds == 60
    assert settings.feature_gates == {"PodPriority": True}
    # An explicitly empty evictionHard is not defaulted.
    assert eviction_settings({"evictionHard": {}, "enforceNodeAllocatable": []}).thresholds == []


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"kind": "Pod"}, "kind: expected 'KubeletConfiguration'"),
        ({"apiVersion": "v1"}, "apiVersion: expected"),
        ({"evictionHard": ["memory.available<1Gi"]}, "evictionHard: expected a map"),
        (
            {"evictionHard": {"memory.available": 100}},
            "evictionHard.memory.available: expected a string",
        ),
        (
            {"evictionPressureTransitionPeriod": "5 minutes"},
            "evictionPressureTransitionPeriod: time:",
        ),
        ({"evictionMaxPodGracePeriod": "30s"}, "evictionMaxPodGracePeriod: expected an integer"),
        ({"featureGates": {"NoSuchGate": True}}, "featureGates.NoSuchGate: unrecognized"),
        (
            {"featureGates": {"PodPriority": "yes"}},
            "featureGates.PodPriority: expected true or false",
        ),
        (
            {"evictionHard": {"pid.available": "100"}},
            "eviction thresholds: unsupported eviction signal",
        ),
        ({"enforceNodeAllocatable": "pods"}, "enforceNodeAllocatable: expected a list"),
    ],
)
def test_kubelet_config_errors_name_the_field(doc: dict, fragment: str) -> None:
    with pytest.raises(KubeletConfigError, match=fragment.replace("(", r"\(")):
        eviction_settings(doc)


def test_load_eviction_settings_from_yaml(tmp_path) -> None:
    path = tmp_path / "kubelet.yaml"
    path.write_text("kind: KubeletConfiguration\nevictionHard: {memory.available: 1Gi}\n")
    settings = load_eviction_settings(path)
    assert any(t.value.describe() == "1Gi" for t in settings.thresholds)
    path.write_text("kind: [unclosed\n")
    with pytest.raises(KubeletConfigError, match="not valid YAML"):
        load_eviction_settings(path)
