/**
 * Kubernetes NetworkPolicy semantics, enough to ask "may A open a connection to B on port P?" of the manifests
 * in deploy/k8s without a cluster. A connection needs both sides' consent: the source's egress (if any policy
 * selects the source for Egress) and the destination's ingress (if any policy selects it for Ingress). Within
 * one direction, policies add up: one matching rule of any selecting policy allows.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */

type Labels = Record<string, string>;

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

export interface NetworkPolicy {
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string };
  spec: { podSelector: LabelSelector; policyTypes?: Array<'Ingress' | 'Egress'>; ingress?: PolicyRule[]; egress?: PolicyRule[] };
}

/** A pod in the cluster: its namespace (with that namespace's labels) and its labels and named ports. */
export interface Pod {
  namespace: string;
  labels: Labels;
  namedPorts?: Record<string, number>;
}

/** Something that is not a pod of the cluster: a client on the internet, a managed database. */
export const OUTSIDE = 'outside' as const;
type Endpoint = Pod | typeof OUTSIDE;

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  const exact = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const expressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return key in labels && values.includes(labels[key]);
    if (operator === 'NotIn') return !(key in labels) || !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    return !(key in labels);
  });
  return exact && expressions;
}

const namespaceLabels = (pod: Pod): Labels => ({ 'kubernetes.io/metadata.name': pod.namespace });

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return other === OUTSIDE && peer.ipBlock.cidr === '0.0.0.0/0';
  if (other === OUTSIDE) return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(other))
    : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? selectorMatches(peer.podSelector, other.labels) : true;
  return namespaceOk && podOk;
}

function portMatches(ports: PolicyPort[] | undefined, connection: Connection, destination: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((entry) => {
    if ((entry.protocol ?? 'TCP') !== (connection.protocol ?? 'TCP')) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'number') return entry.port === connection.port;
    return destination !== OUTSIDE && destination.namedPorts?.[entry.port] === connection.port;
  });
}

function directionAllows(policies: NetworkPolicy[], direction: 'Ingress' | 'Egress', subject: Endpoint, connection: Connection): boolean {
  if (subject === OUTSIDE) return true; // the cluster's policies do not govern what is outside it
  const other = direction === 'Ingress' ? connection.from : connection.to;
  const selecting = policies.filter(
    (policy) =>
      policy.metadata.namespace === subject.namespace &&
      selectorMatches(policy.spec.podSelector, subject.labels) &&
      (policy.spec.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress)?.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policy.metadata.namespace, other));
      return peerOk && portMatches(rule.ports, connection, connection.to);
    }),
  );
}

/** Whether the policies let this connection open: the source's egress and the destination's ingress both allow it. */
export function connectionAllowed(policies: NetworkPolicy[], connection: Connection): boolean {
  return (
    directionAllows(policies, 'Egress', connection.from, connection) && directionAllows(policies, 'Ingress', connection.to, connection)
  );
}
