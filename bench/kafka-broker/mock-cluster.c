/*
 * Reference broker for the Kafka benchmark: librdkafka's own in-memory mock cluster.
 *
 * Usage: mock-cluster <topic>:<partitions> [<topic>:<partitions> ...]
 * Prints the bootstrap servers on one line of stdout, then serves until stdin closes or SIGTERM/SIGINT,
 * so the bench script can own its lifetime through a pipe and never leaks it.
 * The mock keeps everything in memory and acknowledges acks=all at once (one replica),
 * which makes it an upper bound for what a client can push through one broker on this machine.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stop_requested = 0;

static void on_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

static int create_topic(rd_kafka_mock_cluster_t *cluster, const char *spec) {
  char name[256];
  const char *colon = strrchr(spec, ':');
  int partitions = 1;
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  if (len == 0 || len >= sizeof(name)) {
    fprintf(stderr, "mock-cluster: bad topic spec '%s'\n", spec);
    return -1;
  }
  memcpy(name, spec, len);
  name[len] = '\0';
  if (colon) partitions = atoi(colon + 1);
  if (partitions < 1) {
    fprintf(stderr, "mock-cluster: bad partition count in '%s'\n", spec);
    return -1;
  }
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, partitions, 1);
  if (err) {
    fprintf(stderr, "mock-cluster: topic %s: %s\n", name, rd_kafka_err2str(err));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The handle only does the cluster's book keeping and never connects anywhere,
   * so its "no bootstrap.servers" notice is noise. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "mock-cluster: rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, 1);
  if (!cluster) {
    fprintf(stderr, "mock-cluster: rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (create_topic(cluster, argv[i]) != 0) return 1;
  }

  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);

  struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
  char sink[256];
  while (!stop_requested) {
    int ready = poll(&in, 1, 500);
    if (ready < 0 && errno != EINTR) break;
    if (ready > 0) {
      ssize_t n = read(STDIN_FILENO, sink, sizeof(sink));
      if (n <= 0) break; /* stdin closed: the parent has gone */
    }
  }

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
