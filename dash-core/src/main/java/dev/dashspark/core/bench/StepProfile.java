package dev.dashspark.core.bench;

import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training step's time goes: every vertex of a graph run on its own, forward (training mode) then backward,
 * on the activations of one real forward pass of the minibatch, inside a workspace that (like DL4J's own during
 * training) reuses its memory from the second call on; the first call is not counted. The vertices' sum against a
 * whole {@code TrainLoop.step} shows what the graph's bookkeeping and the updater add.
 */
final class StepProfile {
    private static final String WORKSPACE = "dash-step-profile";

    private StepProfile() {
    }

    /**
     * One vertex: its kind (layer class or vertex class), median wall milliseconds forward and backward, and the
     * process CPU milliseconds of the same calls (all threads: on a shared machine the steadier of the two).
     */
    record Row(String vertex, String kind, double forwardMs, double backwardMs, double forwardCpuMs,
               double backwardCpuMs) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** CPU time of this process so far, ns (all threads). */
    static long cpuNanos() {
        return OS.getProcessCpuTime();
    }

    static List<Row> measure(ComputationGraph net, INDArray x, INDArray y, int reps) {
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView(); // a network that has not trained yet has no gradient views
        }
        GraphVertex[] vertices = net.getVertices();
        Map<String, INDArray> acts = net.feedForward(new INDArray[]{x}, true, false);
        acts = new HashMap<>(acts);
        acts.put(net.getConfiguration().getNetworkInputs().get(0), x);
        WorkspaceConfiguration wsConf = WorkspaceConfiguration.builder().initialSize(0)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE)
                .overallocationLimit(0.2).policySpill(SpillPolicy.REALLOCATE).build();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder().defaultWorkspace(WORKSPACE, wsConf).build();
        List<Row> rows = new ArrayList<>();
        for (int index : net.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            if (v.isInputVertex()) {
                continue;
            }
            VertexIndices[] in = v.getInputVertices();
            INDArray[] inputs = new INDArray[in.length];
            for (int i = 0; i < in.length; i++) {
                inputs[i] = acts.get(vertices[in[i].getVertexIndex()].getVertexName());
            }
            double[] fwd = new double[reps];
            double[] bwd = new double[reps];
            double[] fwdCpu = new double[reps];
            double[] bwdCpu = new double[reps];
            for (int r = -1; r < reps; r++) {
                MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(wsConf, WORKSPACE);
                v.setInputs(inputs);
                long c0 = cpuNanos();
                long t0 = System.nanoTime();
                INDArray out = v.doForward(true, mgr);
                long t1 = System.nanoTime();
                long c1 = cpuNanos();
                if (v.hasLayer() && v.getLayer() instanceof IOutputLayer o) {
                    o.setLabels(y);
                } else {
                    v.setEpsilon(Nd4j.rand(out.dataType(), out.shape()));
                }
                long c2 = cpuNanos();
                long t2 = System.nanoTime();
                v.doBackward(false, mgr);
                long t3 = System.nanoTime();
                long c3 = cpuNanos();
                ws.close();
                if (r < 0) {
                    continue; // the workspace learns its size
                }
                fwd[r] = (t1 - t0) / 1e6;
                bwd[r] = (t3 - t2) / 1e6;
                fwdCpu[r] = (c1 - c0) / 1e6;
                bwdCpu[r] = (c3 - c2) / 1e6;
            }
            v.clear();
            Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(WORKSPACE));
            String kind = v.hasLayer() ? v.getLayer().getClass().getSimpleName() : v.getClass().getSimpleName();
            rows.add(new Row(v.getVertexName(), kind, median(fwd), median(bwd), median(fwdCpu), median(bwdCpu)));
        }
        return rows;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
