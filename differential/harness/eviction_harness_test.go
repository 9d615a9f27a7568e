// Differential harness for the release-1.10 kubelet eviction manager.
//
// This file is our own code (k8s-reading-kit, Apache-2.0). It is never copied
// into the upstream tree: the Python runner adds it to the package at build
// time with `go test -overlay`, so it compiles as part of package eviction and
// can drive the real, unexported managerImpl exactly the way the kubelet does
// (NewManager, then synchronize once per monitoring period).
//
// Input: a JSON batch whose path is in $DIFFERENTIAL_BATCH. Output: one JSON
// object per scenario, one per line, written to $DIFFERENTIAL_OUT. The schema
// is documented in differential/schema.py.
package eviction

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/clock"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/tools/record"
	"k8s.io/kubernetes/pkg/features"
	statsapi "k8s.io/kubernetes/pkg/kubelet/apis/stats/v1alpha1"
	evictionapi "k8s.io/kubernetes/pkg/kubelet/eviction/api"
	"k8s.io/kubernetes/pkg/kubelet/lifecycle"
)

// ---------------------------------------------------------------- input

type dhBatch struct {
	Scenarios []dhScenario `json:"scenarios"`
}

type dhFlags struct {
	AllocatableConfig       []string          `json:"allocatable_config"`
	EvictionHard            map[string]string `json:"eviction_hard"`
	EvictionSoft            map[string]string `json:"eviction_soft"`
	EvictionSoftGracePeriod map[string]string `json:"eviction_soft_grace_period"`
	EvictionMinimumReclaim  map[string]string `json:"eviction_minimum_reclaim"`
}

type dhConfig struct {
	PressureTransitionPeriodSeconds int64 `json:"pressure_transition_period_seconds"`
	MaxPodGracePeriodSeconds        int64 `json:"max_pod_grace_period_seconds"`
}

type dhTick struct {
	AdvanceSeconds      int64             `json:"advance_seconds"`
	Summary             *statsapi.Summary `json:"summary"`
	SummaryAfterReclaim *statsapi.Summary `json:"summary_after_reclaim"`
	Active              []string          `json:"active"`
	// injected failures, each the error path of one call synchronize makes
	SummaryError        bool `json:"summary_error"`
	ReclaimSummaryError bool `json:"reclaim_summary_error"`
	GCError             bool `json:"gc_error"`
	KillError           bool `json:"kill_error"`
}

type dhScenario struct {
	ID               string          `json:"id"`
	FeatureGates     map[string]bool `json:"feature_gates"`
	Flags            dhFlags         `json:"flags"`
	Config           dhConfig        `json:"config"`
	DedicatedImageFs bool            `json:"dedicated_imagefs"`
	ProbeCapacity    string          `json:"probe_capacity"`
	StartTime        time.Time       `json:"start_time"`
	Pods             []*v1.Pod       `json:"pods"`
	ProbePods        []*v1.Pod       `json:"probe_pods"`
	Ticks            []dhTick        `json:"ticks"`
	// HasDedicatedImageFs fails this many times before it answers
	DiskInfoErrors int `json:"disk_info_errors"`
}

// ---------------------------------------------------------------- output

type dhValue struct {
	Quantity      *string `json:"quantity"`
	QuantityMilli *int64  `json:"quantity_milli"`
	Percentage    *string `json:"percentage"`
}

type dhThreshold struct {
	Signal        string   `json:"signal"`
	Operator      string   `json:"operator"`
	Value         dhValue  `json:"value"`
	GracePeriodNs int64    `json:"grace_period_ns"`
	MinReclaim    *dhValue `json:"min_reclaim"`
}

type dhQuantities struct {
	Signal        string  `json:"signal"`
	GracePeriodNs int64   `json:"grace_period_ns"`
	Value         dhValue `json:"value"`
	Threshold     int64   `json:"threshold_bytes"`
	MinReclaim    *int64  `json:"min_reclaim_bytes"`
}

type dhParse struct {
	OK         bool           `json:"ok"`
	Error      *string        `json:"error"`
	Thresholds []dhThreshold  `json:"thresholds"`
	Quantities []dhQuantities `json:"quantities"`
}

type dhEviction struct {
	Pod                 string   `json:"pod"`
	GracePeriodOverride *int64   `json:"grace_period_override"`
	Phase               string   `json:"phase"`
	Reason              string   `json:"reason"`
	Message             string   `json:"message"`
	TiedWith            []string `json:"tied_with"`
}

type dhAdmit struct {
	Pod     string `json:"pod"`
	Admit   bool   `json:"admit"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type dhTrace struct {
	Reached      bool          `json:"reached"`
	Met          []dhThreshold `json:"met"`
	Unresolved   []dhThreshold `json:"unresolved"`
	GraceMet     []dhThreshold `json:"grace_met"`
	UpdatedStats []dhThreshold `json:"updated_stats"`
	Starved      []string      `json:"starved"`
	Conditions   []string      `json:"conditions"`
	// after node-level reclaim (only when GC ran): no configured threshold met any more
	ReclaimSufficient *bool `json:"reclaim_sufficient"`
}

type dhTickResult struct {
	Active         []string     `json:"active"`
	Evicted        []dhEviction `json:"evicted"`
	MemoryPressure bool         `json:"memory_pressure"`
	DiskPressure   bool         `json:"disk_pressure"`
	Admit          []dhAdmit    `json:"admit"`
	ImageGC        int          `json:"image_gc"`
	ContainerGC    int          `json:"container_gc"`
	SummaryGets    int          `json:"summary_gets"`
	Events         []string     `json:"events"`
	Trace          dhTrace      `json:"trace"`
}

type dhResult struct {
	ID    string         `json:"id"`
	Parse dhParse        `json:"parse"`
	Ticks []dhTickResult `json:"ticks"`
	Error *string        `json:"error"`
}

// ---------------------------------------------------------------- fakes

type dhSummaryProvider struct {
	current     *statsapi.Summary
	after       *statsapi.Summary
	gets        int
	failFirst   bool
	failAfterGC bool
}

func (p *dhSummaryProvider) Get(updateStats bool) (*statsapi.Summary, error) {
	p.gets++
	if (p.gets == 1 && p.failFirst) || (p.gets == 2 && p.failAfterGC) {
		return nil, errors.New("injected summary error")
	}
	return p.current, nil
}

type dhDiskInfo struct {
	dedicated bool
	failures  int
	calls     int
}

func (d *dhDiskInfo) HasDedicatedImageFs() (bool, error) {
	d.calls++
	if d.calls <= d.failures {
		return false, errors.New("injected disk info error")
	}
	return d.dedicated, nil
}

type dhGC struct {
	provider   *dhSummaryProvider
	images     int
	containers int
	fail       bool
}

func (g *dhGC) reclaimed() {
	if g.provider.after != nil {
		g.provider.current = g.provider.after
	}
}

func (g *dhGC) DeleteUnusedImages() error {
	g.images++
	g.reclaimed()
	if g.fail {
		return errors.New("injected image gc error")
	}
	return nil
}

func (g *dhGC) DeleteAllUnusedContainers() error {
	g.containers++
	g.reclaimed()
	if g.fail {
		return errors.New("injected container gc error")
	}
	return nil
}

type dhKill struct {
	pod      *v1.Pod
	status   v1.PodStatus
	override *int64
}

type dhKiller struct {
	kills []dhKill
	fail  bool
}

func (k *dhKiller) kill(pod *v1.Pod, status v1.PodStatus, gracePeriodOverride *int64) error {
	var override *int64
	if gracePeriodOverride != nil {
		v := *gracePeriodOverride
		override = &v
	}
	k.kills = append(k.kills, dhKill{pod: pod, status: status, override: override})
	if k.fail {
		return errors.New("injected kill error")
	}
	return nil
}

// ---------------------------------------------------------------- helpers

func dhValueOf(v evictionapi.ThresholdValue) dhValue {
	out := dhValue{}
	if v.Quantity != nil {
		s := v.Quantity.String()
		m := v.Quantity.MilliValue()
		out.Quantity = &s
		out.QuantityMilli = &m
	} else {
		// a string: the widened float32 exactly, and NaN/Inf (which "NaN%" yields) too
		p := strconv.FormatFloat(float64(v.Percentage), 'g', -1, 64)
		out.Percentage = &p
	}
	return out
}

func dhThresholdOf(t evictionapi.Threshold) dhThreshold {
	out := dhThreshold{
		Signal:        string(t.Signal),
		Operator:      string(t.Operator),
		Value:         dhValueOf(t.Value),
		GracePeriodNs: int64(t.GracePeriod),
	}
	if t.MinReclaim != nil {
		mr := dhValueOf(*t.MinReclaim)
		out.MinReclaim = &mr
	}
	return out
}

func dhThresholdsOf(ts []evictionapi.Threshold) []dhThreshold {
	out := []dhThreshold{}
	for _, t := range ts {
		out = append(out, dhThresholdOf(t))
	}
	return out
}

func dhDrainEvents(rec *record.FakeRecorder) []string {
	out := []string{}
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// dhTied lists the pods that the real rank function cannot order against
// pod (neither sorts before the other). Go's sort.Sort is not stable, and its
// algorithm changed between the Go release that built 1.10 and the one that
// builds this harness, so any of these could have been chosen.
func dhTied(rank rankFunc, stats statsFunc, pod *v1.Pod, pods []*v1.Pod) []string {
	out := []string{}
	for _, other := range pods {
		if other == pod {
			continue
		}
		ab := []*v1.Pod{pod, other}
		rank(ab, stats)
		ba := []*v1.Pod{other, pod}
		rank(ba, stats)
		if ab[0] == pod && ba[0] == other {
			out = append(out, other.Name)
		}
	}
	sort.Strings(out)
	return out
}

func dhSetGates(gates map[string]bool) error {
	all := map[string]bool{
		string(features.PodPriority):                       false,
		string(features.LocalStorageCapacityIsolation):     true,
		string(features.ExperimentalCriticalPodAnnotation): false,
	}
	for k, v := range gates {
		all[k] = v
	}
	// the way the kubelet's --feature-gates flag sets them: "Name=bool,..."
	parts := []string{}
	for k, v := range all {
		parts = append(parts, k+"="+strconv.FormatBool(v))
	}
	sort.Strings(parts)
	return utilfeature.DefaultFeatureGate.Set(strings.Join(parts, ","))
}

// ---------------------------------------------------------------- driver

func dhRun(sc *dhScenario) (res dhResult) {
	res.ID = sc.ID
	res.Ticks = []dhTickResult{}
	defer func() {
		if r := recover(); r != nil {
			msg := "panic: " + strings.TrimSpace(dhSprint(r))
			res.Error = &msg
		}
	}()
	if err := dhSetGates(sc.FeatureGates); err != nil {
		msg := "feature gates: " + err.Error()
		res.Error = &msg
		return res
	}

	thresholds, err := ParseThresholdConfig(sc.Flags.AllocatableConfig, sc.Flags.EvictionHard,
		sc.Flags.EvictionSoft, sc.Flags.EvictionSoftGracePeriod, sc.Flags.EvictionMinimumReclaim)
	if err != nil {
		msg := err.Error()
		res.Parse = dhParse{OK: false, Error: &msg, Thresholds: []dhThreshold{}, Quantities: []dhQuantities{}}
		return res
	}
	res.Parse = dhParse{OK: true, Thresholds: dhThresholdsOf(thresholds), Quantities: []dhQuantities{}}
	if sc.ProbeCapacity != "" {
		capacity := resource.MustParse(sc.ProbeCapacity)
		for _, t := range thresholds {
			q := dhQuantities{
				Signal:        string(t.Signal),
				GracePeriodNs: int64(t.GracePeriod),
				Value:         dhValueOf(t.Value),
				Threshold:     evictionapi.GetThresholdQuantity(t.Value, &capacity).Value(),
			}
			if t.MinReclaim != nil {
				v := evictionapi.GetThresholdQuantity(*t.MinReclaim, &capacity).Value()
				q.MinReclaim = &v
			}
			res.Parse.Quantities = append(res.Parse.Quantities, q)
		}
	}

	fakeClock := clock.NewFakeClock(sc.StartTime)
	provider := &dhSummaryProvider{}
	gc := &dhGC{provider: provider}
	killer := &dhKiller{}
	recorder := record.NewFakeRecorder(1000)
	nodeRef := &v1.ObjectReference{Kind: "Node", Name: "node", UID: types.UID("node")}
	config := Config{
		PressureTransitionPeriod: time.Duration(sc.Config.PressureTransitionPeriodSeconds) * time.Second,
		MaxPodGracePeriodSeconds: sc.Config.MaxPodGracePeriodSeconds,
		Thresholds:               thresholds,
		KernelMemcgNotification:  false,
	}
	mgr, admitHandler := NewManager(provider, config, killer.kill, gc, gc, recorder, nodeRef, fakeClock)
	m := mgr.(*managerImpl)
	diskInfo := &dhDiskInfo{dedicated: sc.DedicatedImageFs, failures: sc.DiskInfoErrors}
	lsci := utilfeature.DefaultFeatureGate.Enabled(features.LocalStorageCapacityIsolation)

	evicted := map[string]bool{}
	byName := map[string]*v1.Pod{}
	for _, p := range sc.Pods {
		byName[p.Name] = p
	}
	for _, tick := range sc.Ticks {
		fakeClock.Step(time.Duration(tick.AdvanceSeconds) * time.Second)
		provider.current = tick.Summary
		provider.after = tick.SummaryAfterReclaim
		provider.gets = 0
		provider.failFirst, provider.failAfterGC = tick.SummaryError, tick.ReclaimSummaryError
		gc.images, gc.containers, gc.fail = 0, 0, tick.GCError
		killer.kills, killer.fail = nil, tick.KillError
		diskCalls := diskInfo.calls

		active := []*v1.Pod{}
		if tick.Active == nil {
			for _, p := range sc.Pods {
				if !evicted[p.Name] {
					active = append(active, p)
				}
			}
		} else {
			for _, name := range tick.Active {
				if p, ok := byName[name]; ok && !evicted[name] {
					active = append(active, p)
				}
			}
		}
		// synchronize ranks (reorders) the slice it is given: hand it a copy.
		given := append([]*v1.Pod(nil), active...)
		podFunc := func() []*v1.Pod { return given }

		prevThresholdsMet := append([]evictionapi.Threshold(nil), m.thresholdsMet...)
		prevObservations := m.lastObservations

		m.synchronize(diskInfo, podFunc)

		tr := dhTickResult{
			Active:      []string{},
			Evicted:     []dhEviction{},
			Admit:       []dhAdmit{},
			ImageGC:     gc.images,
			ContainerGC: gc.containers,
			SummaryGets: provider.gets,
			Events:      dhDrainEvents(recorder),
		}
		for _, p := range active {
			tr.Active = append(tr.Active, p.Name)
		}
		tr.MemoryPressure = mgr.IsUnderMemoryPressure()
		tr.DiskPressure = mgr.IsUnderDiskPressure()

		// Recompute the intermediate decisions with the package's own helpers,
		// from the same inputs synchronize saw, so both sides can be compared
		// step by step (and so we know which resources Go could have picked).
		// synchronize got past its early returns: something to do, the disk info
		// provider answered (or had answered before), and the summary was read
		diskFailed := diskInfo.calls > diskCalls && diskInfo.calls <= diskInfo.failures
		if (len(config.Thresholds) > 0 || lsci) && !diskFailed && !tick.SummaryError {
			observations, stats := makeSignalObservations(tick.Summary)
			met := thresholdsMet(config.Thresholds, observations, false)
			unresolved := []evictionapi.Threshold{}
			if len(prevThresholdsMet) > 0 {
				unresolved = thresholdsMet(prevThresholdsMet, observations, true)
			}
			updated := thresholdsUpdatedStats(m.thresholdsMet, observations, prevObservations)
			starvedSet := map[string]bool{}
			for _, r := range getStarvedResources(updated) {
				starvedSet[string(r)] = true
			}
			starved := []string{}
			for r := range starvedSet {
				starved = append(starved, r)
			}
			sort.Strings(starved)
			conditions := []string{}
			for _, c := range m.nodeConditions {
				conditions = append(conditions, string(c))
			}
			sort.Strings(conditions)
			tr.Trace = dhTrace{
				Reached:      true,
				Met:          dhThresholdsOf(met),
				Unresolved:   dhThresholdsOf(unresolved),
				GraceMet:     dhThresholdsOf(m.thresholdsMet),
				UpdatedStats: dhThresholdsOf(updated),
				Starved:      starved,
				Conditions:   conditions,
			}
			if gc.images+gc.containers > 0 && !tick.ReclaimSummaryError {
				afterObs, _ := makeSignalObservations(provider.current)
				ok := len(thresholdsMet(config.Thresholds, afterObs, false)) == 0
				tr.Trace.ReclaimSufficient = &ok
			}
			for _, k := range killer.kills {
				ev := dhEviction{
					Pod:                 k.pod.Name,
					GracePeriodOverride: k.override,
					Phase:               string(k.status.Phase),
					Reason:              k.status.Reason,
					Message:             k.status.Message,
					TiedWith:            []string{},
				}
				// Ties only matter for the ranked (one pod) path.
				if len(killer.kills) == 1 {
					resName := strings.TrimSuffix(strings.TrimPrefix(k.status.Message, "The node was low on resource: "), ".")
					if rank, ok := m.resourceToRankFunc[v1.ResourceName(resName)]; ok {
						ev.TiedWith = dhTied(rank, stats, k.pod, active)
					}
				}
				tr.Evicted = append(tr.Evicted, ev)
			}
		} else {
			tr.Trace = dhTrace{Met: []dhThreshold{}, Unresolved: []dhThreshold{}, GraceMet: []dhThreshold{},
				UpdatedStats: []dhThreshold{}, Starved: []string{}, Conditions: []string{}}
		}
		for _, k := range killer.kills {
			evicted[k.pod.Name] = true
		}
		for _, probe := range sc.ProbePods {
			r := admitHandler.Admit(&lifecycle.PodAdmitAttributes{Pod: probe})
			tr.Admit = append(tr.Admit, dhAdmit{Pod: probe.Name, Admit: r.Admit, Reason: r.Reason, Message: r.Message})
		}
		res.Ticks = append(res.Ticks, tr)
	}
	return res
}

func dhSprint(v interface{}) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// TestHarness is the entry point the Python runner calls with
// `-test.run ^TestHarness$`; without $DIFFERENTIAL_BATCH it does nothing.
func TestHarness(t *testing.T) {
	batchPath := os.Getenv("DIFFERENTIAL_BATCH")
	outPath := os.Getenv("DIFFERENTIAL_OUT")
	if batchPath == "" || outPath == "" {
		t.Skip("DIFFERENTIAL_BATCH and DIFFERENTIAL_OUT are not set")
	}
	data, err := os.ReadFile(batchPath)
	if err != nil {
		t.Fatalf("read batch: %v", err)
	}
	var batch dhBatch
	if err := json.Unmarshal(data, &batch); err != nil {
		t.Fatalf("decode batch: %v", err)
	}
	f, err := os.Create(outPath)
	if err != nil {
		t.Fatalf("create output: %v", err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	enc := json.NewEncoder(w)
	for i := range batch.Scenarios {
		if err := enc.Encode(dhRun(&batch.Scenarios[i])); err != nil {
			t.Fatalf("encode result %d: %v", i, err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("flush: %v", err)
	}
	t.Logf("harness: %s scenarios", strconv.Itoa(len(batch.Scenarios)))
}
