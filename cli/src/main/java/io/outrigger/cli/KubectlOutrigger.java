package io.outrigger.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubectl outrigger}: what Outrigger did or would do with a pod, and what its sidecar runs
 * with. The cluster is kubectl's (KUBECONFIG, else ~/.kube/config, else in-cluster).
 */
@Command(
    name = "kubectl outrigger",
    mixinStandardHelpOptions = true,
    versionProvider = KubectlOutrigger.Version.class,
    description = "Outrigger's injection decisions, policy status and sidecar config.",
    subcommands = {CheckInjectCommand.class, StatusCommand.class, ConfigCommand.class})
public final class KubectlOutrigger {

  @Option(
      names = {"-n", "--namespace"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "The namespace (default: the kubeconfig context's).")
  String namespace;

  /** The client of the running command; tests give their own. */
  KubernetesClient client;

  KubernetesClient client() {
    if (client == null) {
      client = new KubernetesClientBuilder().build();
    }
    return client;
  }

  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String configured = client().getNamespace();
    return configured == null ? "default" : configured;
  }

  public static void main(String[] args) {
    System.exit(run(new KubectlOutrigger(), args, new PrintWriter(System.out, true)));
  }

  /** Runs one command line; the exit code: 0 done, 1 the cluster refused, 2 bad usage. */
  static int run(KubectlOutrigger root, String[] args, PrintWriter out) {
    CommandLine line = new CommandLine(root);
    line.setOut(out);
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof KubernetesClientException k) {
            Throwable cause = k;
            while (cause.getCause() != null) {
              cause = cause.getCause();
            }
            cmd.getErr()
                .println(
                    "error: "
                        + k.getMessage()
                        + (cause == k
                            ? ""
                            : " ("
                                + cause.getClass().getSimpleName()
                                + ": "
                                + cause.getMessage()
                                + ")"));
            return 1;
          }
          if (e instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    try {
      return line.execute(args);
    } finally {
      if (root.client != null) {
        root.client.close();
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = KubectlOutrigger.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl-outrigger " + (version == null ? "(development)" : version)};
    }
  }
}
