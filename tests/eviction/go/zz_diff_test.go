package eviction

// Differential harness for the Python mirror (our own code, not upstream).
//
// It recorded tests/eviction/data/differential_go.json.gz. Add it to a kubernetes
// v1.10.11 tree in a GOPATH without modifying the tree, through an overlay that maps
// pkg/kubelet/eviction/zz_diff_test.go to this file, with Go's module mode off:
//
//	EVICTION_DIFF_IN=scenarios.json EVICTION_DIFF_OUT=go.txt \
//	  go test -vet=off -overlay overlay.json -run TestZZDifferential ./pkg/kubelet/eviction/
//
// The maintained harness for fresh scenarios is differential/harness/.
//
// It replays each scenario (tests/eviction/differential.py writes them) through
// the real managerImpl and prints one line per synchronize: evicted pods, grace
// override, node conditions, admission of the probe pods and the events recorded.

import (
	"encoding/json"
	"fmt"
	"io/ioutil"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/clock"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/tools/record"
	statsapi "k8s.io/kubernetes/pkg/kubelet/apis/stats/v1alpha1"
	"k8s.io/kubernetes/pkg/kubelet/lifecycle"
)

type diffStep struct {
	AdvanceSeconds int               `json:"advanceSeconds"`
	Summary        *statsapi.Summary `json:"summary"`
}

type diffScenario struct {
	Name           string            `json:"name"`
	Gates          map[string]bool   `json:"gates"`
	Hard           map[string]string `json:"hard"`
	Soft           map[string]string `json:"soft"`
	Grace          map[string]string `json:"grace"`
	Reclaim        map[string]string `json:"reclaim"`
	Allocatable    []string          `json:"allocatable"`
	MaxGrace       int64             `json:"maxGrace"`
	TransitionSecs int               `json:"transitionSeconds"`
	DedicatedImage bool              `json:"dedicatedImageFs"`
	Pods           []*v1.Pod         `json:"pods"`
	Probes         []*v1.Pod         `json:"probes"`
	Steps          []diffStep        `json:"steps"`
}

// diffGC reclaims nothing, like the Python runner's FakeDiskGC.
type diffGC struct{}

func (g *diffGC) DeleteUnusedImages() error        { return nil }
func (g *diffGC) DeleteAllUnusedContainers() error { return nil }

func TestZZDifferential(t *testing.T) {
	path := os.Getenv("EVICTION_DIFF_IN")
	if path == "" {
		t.Skip("no input")
	}
	data, err := ioutil.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []diffScenario
	if err := json.Unmarshal(data, &scenarios); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sc := range scenarios {
		gates := map[string]bool{"PodPriority": false, "LocalStorageCapacityIsolation": true, "ExperimentalCriticalPodAnnotation": false}
		for k, v := range sc.Gates {
			gates[k] = v
		}
		utilfeature.DefaultFeatureGate.SetFromMap(gates)
		thresholds, err := ParseThresholdConfig(sc.Allocatable, sc.Hard, sc.Soft, sc.Grace, sc.Reclaim)
		if err != nil {
			out = append(out, fmt.Sprintf("%s\tERR\t%v", sc.Name, err))
			continue
		}
		fakeClock := clock.NewFakeClock(time.Date(2018, 11, 26, 10, 0, 0, 0, time.UTC))
		killer := &mockPodKiller{}
		provider := &fakeSummaryProvider{}
		gc := &diffGC{}
		recorder := record.NewFakeRecorder(1000)
		manager := &managerImpl{
			clock:                        fakeClock,
			killPodFunc:                  killer.killPodNow,
			imageGC:                      gc,
			containerGC:                  gc,
			config:                       Config{MaxPodGracePeriodSeconds: sc.MaxGrace, PressureTransitionPeriod: time.Duration(sc.TransitionSecs) * time.Second, Thresholds: thresholds},
			recorder:                     recorder,
			summaryProvider:              provider,
			nodeRef:                      &v1.ObjectReference{Kind: "Node", Name: "n"},
			nodeConditionsLastObservedAt: nodeConditionsObservedAt{},
			thresholdsFirstObservedAt:    thresholdsObservedAt{},
		}
		disk := &mockDiskInfoProvider{dedicatedImageFs: sc.DedicatedImage}
		for i, step := range sc.Steps {
			fakeClock.Step(time.Duration(step.AdvanceSeconds) * time.Second)
			provider.result = step.Summary
			killer.pod = nil
			killer.gracePeriodOverride = nil
			pods := append([]*v1.Pod{}, sc.Pods...)
			evicted := manager.synchronize(disk, func() []*v1.Pod { return pods })
			var names []string
			for _, p := range evicted {
				names = append(names, p.Name)
			}
			grace := "-"
			if killer.gracePeriodOverride != nil {
				grace = fmt.Sprint(*killer.gracePeriodOverride)
			}
			conds := []string{}
			for _, c := range manager.nodeConditions {
				conds = append(conds, string(c))
			}
			sort.Strings(conds)
			var admits []string
			for _, probe := range sc.Probes {
				admits = append(admits, fmt.Sprint(manager.Admit(&lifecycle.PodAdmitAttributes{Pod: probe}).Admit))
			}
			var events []string
			for len(recorder.Events) > 0 {
				events = append(events, <-recorder.Events)
			}
			out = append(out, fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t%s\t%s", sc.Name, i, strings.Join(names, ","), grace, strings.Join(conds, ","), strings.Join(admits, ","), strings.Join(events, "|")))
		}
	}
	if err := ioutil.WriteFile(os.Getenv("EVICTION_DIFF_OUT"), []byte(strings.Join(out, "\n")+"\n"), 0644); err != nil {
		t.Fatal(err)
	}
}
