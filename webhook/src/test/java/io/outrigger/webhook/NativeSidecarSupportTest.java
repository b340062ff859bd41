package io.outrigger.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Native or classic from the API server's version and the kubelets of the nodes that may run the
 * pod, over clusters of mixed node versions. Nodes are written {@code name=version@label=value};
 * {@code unknown} means the nodes could not be listed, {@code none} that none are.
 */
class NativeSidecarSupportTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          every node at 1.30                                   | 30 | a=v1.30.2, b=v1.30.1                          | {}                                   | true  | the 2 nodes that may run the pod run kubelet 1.29+
          every node at exactly 1.29                           | 29 | a=v1.29.0                                     | {}                                   | true  | the node that may run the pod
          one node three minors behind                         | 30 | a=v1.30.2, b=v1.27.9                          | {}                                   | false | kubelets older than 1.29 may run the pod: b (v1.27.9)
          a 1.28 node, maybe with the feature gate, counts as old | 29 | a=v1.29.1, b=v1.28.5-eks-5e0fdde           | {}                                   | false | b (v1.28.5-eks-5e0fdde)
          distribution suffixes are read                       | 30 | a=v1.30.1+k3s1, b=v1.29.3-gke.1200          | {}                                   | true  | the 2 nodes
          a server below 1.29 whatever the nodes               | 28 | a=v1.30.2                                     | {}                                   | false | the API server is 1.28
          nodes that cannot be listed                          | 30 | unknown                                       | {}                                   | false | kubelet versions are unknown
          no node listed                                       | 30 | none                                          | {}                                   | false | no node is listed
          a node without a version yet                         | 30 | a=v1.30.2, b=                                 | {}                                   | false | b (no version)
          a version that is not one                            | 30 | a=v1.30.2, b=1.30.2                           | {}                                   | false | b (1.30.2)
          more old nodes than the reason names                 | 30 | a=v1.28.0, b=v1.28.0, c=v1.28.0, d=v1.28.0, e=v1.30.0 | {}                           | false | a (v1.28.0), b (v1.28.0), c (v1.28.0) and 1 more
          bound to a new node among old ones                   | 30 | a=v1.30.2, b=v1.28.5                          | {"nodeName":"a"}                     | true  | the node that may run
          bound to the old node                                | 30 | a=v1.30.2, b=v1.28.5                          | {"nodeName":"b"}                     | false | b (v1.28.5)
          bound to a node nobody listed                        | 30 | a=v1.30.2                                     | {"nodeName":"z"}                     | false | no listed node may run the pod
          a node selector picking the new pool                 | 30 | a=v1.30.2@pool=new, b=v1.28.5@pool=old        | {"nodeSelector":{"pool":"new"}}      | true  | the node that may run
          a node selector matching no node                     | 30 | a=v1.30.2@pool=new                            | {"nodeSelector":{"pool":"gpu"}}      | false | no listed node may run the pod
          required affinity In the new pool                    | 30 | a=v1.30.2@pool=new, b=v1.28.5@pool=old        | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"In","values":["new"]}]}]}}}} | true | the node that may run
          required affinity NotIn also takes unlabelled nodes  | 30 | a=v1.30.2@pool=new, b=v1.28.5                 | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"NotIn","values":["old"]}]}]}}}} | false | b (v1.28.5)
          terms are ORed                                       | 30 | a=v1.30.2@pool=new, b=v1.28.5@pool=old        | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"In","values":["new"]}]},{"matchExpressions":[{"key":"pool","operator":"Exists"}]}]}}}} | false | b (v1.28.5)
          expressions of a term are ANDed                      | 30 | a=v1.30.2@pool=new@zone=a, b=v1.28.5@pool=new@zone=b | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"pool","operator":"In","values":["new"]},{"key":"zone","operator":"NotIn","values":["b"]}]}]}}}} | true | the node that may run
          DoesNotExist                                         | 30 | a=v1.30.2, b=v1.28.5@legacy=yes               | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"legacy","operator":"DoesNotExist"}]}]}}}} | true | the node that may run
          Gt compares integers                                 | 30 | a=v1.30.2@gen=5, b=v1.28.5@gen=3              | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"gen","operator":"Gt","values":["4"]}]}]}}}} | true | the node that may run
          Lt with a label that is not a number matches nothing | 30 | a=v1.30.2@gen=new                             | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"gen","operator":"Lt","values":["4"]}]}]}}}} | false | no listed node may run the pod
          matchFields by node name                             | 30 | a=v1.30.2, b=v1.28.5                          | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["a"]}]}]}}}} | true | the node that may run
          a term without requirements matches no node          | 30 | a=v1.30.2                                     | {"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{}]}}}} | false | no listed node may run the pod
          preferred affinity does not narrow                   | 30 | a=v1.30.2@pool=new, b=v1.28.5@pool=old        | {"affinity":{"nodeAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"preference":{"matchExpressions":[{"key":"pool","operator":"In","values":["new"]}]}}]}}} | false | b (v1.28.5)
          selector and affinity both apply                     | 30 | a=v1.30.2@pool=new@zone=a, b=v1.28.5@pool=new@zone=b | {"nodeSelector":{"pool":"new"},"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}}}} | true | the node that may run
          """)
  void nativeOnlyWhereEveryKubeletThatMayRunThePodRunsIt(
      String name, int serverMinor, String nodes, String spec, boolean supported, String reason) {
    ClusterFacts facts =
        new ClusterFacts(1, serverMinor, "img", "v", "outrigger-system").withKubelets(nodes(nodes));
    NativeSidecarSupport support = NativeSidecarSupport.of(facts, pod(spec));
    assertThat(support.supported()).as(name + ": " + support.reason()).isEqualTo(supported);
    assertThat(support.reason()).as(name).contains(reason);
  }

  static List<NodeKubelet> nodes(String text) {
    if (text.equals("unknown")) {
      return null;
    }
    List<NodeKubelet> nodes = new ArrayList<>();
    if (text.equals("none")) {
      return nodes;
    }
    for (String node : text.split(",\\s*")) {
      String[] parts = node.split("@");
      String[] nameAndVersion = parts[0].split("=", -1);
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] label = parts[i].split("=");
        labels.put(label[0], label[1]);
      }
      String version = nameAndVersion[1].isEmpty() ? null : nameAndVersion[1];
      nodes.add(new NodeKubelet(nameAndVersion[0], labels, version));
    }
    return nodes;
  }

  private static Pod pod(String specJson) {
    Pod pod = Serialization.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", Pod.class);
    PodSpec spec = Serialization.unmarshal(specJson, PodSpec.class);
    pod.setSpec(spec);
    return pod;
  }
}
