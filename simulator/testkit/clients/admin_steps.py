"""kafka-python's KafkaAdminClient, one call after another, as a course notebook or a TA script uses it.

    python admin_steps.py BOOTSTRAP LOGIN STEPS

LOGIN is "-" (PLAINTEXT) or "user:password" (SASL_PLAINTEXT with SCRAM-SHA-256). STEPS is a JSON
list of {"op": <admin method>, ...its arguments}; each step prints one line, {"op", "result"} or
{"op", "error": <kafka-python's error class>, "message"} when the call raises. Results are made
plain JSON: responses as their fields, error classes and enums by name, TopicPartitions as
"topic:partition", lists the broker answers in no fixed order sorted. The ops:

    create_topics        {"topics": [{"name", "partitions"?, "replication_factor"?, "assignments"?, "configs"?}],
                          "validate_only"?, "timeout_ms"?, "wait_for_metadata"?}
    delete_topics        {"topics": [...], "timeout_ms"?}
    create_partitions    {"topics": {"name": {"count", "assignments"?}}, "validate_only"?, "timeout_ms"?}
    describe_configs     {"resources": [{"type": "topic"|"broker", "name", "configs"?}], "filter"?, "synonyms"?}
    alter_configs        {"resources": [{"type", "name", "configs": {...}}], "validate_only"?}
    create_acls / delete_acls / describe_acls   {"acls": [{"principal", "host"?, "operation", "permission", "type", "name", "pattern"?}]}
                         (describe_acls takes one filter; a filter's missing fields match anything)
    elect_leaders        {"type": 0|1, "partitions": {"topic": [0, 1]} | null}
    alter_partition_reassignments  {"reassignments": {"topic:0": [1, 2] | null}, "timeout_ms"?}
    list_partition_reassignments   {"partitions": {"topic": [0]} | null}
    describe_log_dirs    {"partitions": {"topic": [0]} | null, "brokers"?}
    alter_replica_log_dirs  {"moves": [["topic", 0, broker, "/path"]]}
    describe_metadata_quorum, describe_cluster   {}
    alter_user_scram_credentials  {"alterations": [{"upsert"|"delete": user, "mechanism", "password"?, "iterations"?}]}
    describe_user_scram_credentials  {"users": [...] | null}
"""

import enum
import inspect
import json
import sys
import uuid

from kafka.admin import (
    ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, ConfigResource, ConfigResourceType,
    KafkaAdminClient, ResourcePattern, ResourcePatternFilter, ResourceType,
)
from kafka.admin._users import UserScramCredentialDeletion, UserScramCredentialUpsertion
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from _records import bootstrap_servers, emit

login, steps = sys.argv[2], json.loads(sys.argv[3])
security = {} if login == '-' else dict(
    security_protocol='SASL_PLAINTEXT',
    sasl_mechanism='SCRAM-SHA-256',
    sasl_plain_username=login.split(':', 1)[0],
    sasl_plain_password=login.split(':', 1)[1],
)
admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers(), **security)


def plain(value):
    """A result as plain JSON."""
    if inspect.isclass(value):
        return value.__name__
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, TopicPartition):
        return f'{value.topic}:{value.partition}'
    if isinstance(value, KafkaError):
        return type(value).__name__
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    if hasattr(value, 'to_dict'):
        return plain(value.to_dict())
    if isinstance(value, dict):
        return {key(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if hasattr(value, '_asdict'):
        return plain(value._asdict())
    if hasattr(value, '__dict__') and not isinstance(value, (int, float, str, bool)):
        return plain({k: v for k, v in vars(value).items() if not k.startswith('_')})
    return value


def key(value):
    """A dict key as text: TopicPartition "topic:partition", TopicPartitionReplica "topic:partition:broker"."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ':'.join(str(part) for part in value)
    return str(plain(value))


def partitions_of(spec):
    return None if spec is None else {topic: list(parts) for topic, parts in spec.items()}


def acl(spec, filtering):
    pattern = (ResourcePatternFilter if filtering else ResourcePattern)(
        ResourceType[spec.get('type', 'ANY')], spec.get('name'), ACLResourcePatternType[spec.get('pattern', 'ANY' if filtering else 'LITERAL')])
    return (ACLFilter if filtering else ACL)(
        principal=spec.get('principal'), host=spec.get('host', None if filtering else '*'), operation=ACLOperation[spec.get('operation', 'ANY')],
        permission_type=ACLPermissionType[spec.get('permission', 'ANY')], resource_pattern=pattern)


def scram(spec):
    if 'delete' in spec:
        return UserScramCredentialDeletion(spec['delete'], spec['mechanism'])
    return UserScramCredentialUpsertion(spec['upsert'], spec['mechanism'], spec['password'], iterations=spec.get('iterations'))


def run(step):
    op = step['op']
    if op == 'create_topics':
        # kafka-python 3's form: {name: {num_partitions, replication_factor, assignments, configs}}, -1 for the broker's defaults.
        topics = {t['name']: {'num_partitions': t.get('partitions', -1), 'replication_factor': t.get('replication_factor', -1),
                              'assignments': dict(enumerate(t.get('assignments', []))), 'configs': t.get('configs', {})}
                  for t in step['topics']}
        return admin.create_topics(topics, timeout_ms=step.get('timeout_ms'), validate_only=step.get('validate_only', False), raise_errors=False,
                                   wait_for_metadata=step.get('wait_for_metadata', False))
    if op == 'delete_topics':
        return admin.delete_topics(step['topics'], timeout_ms=step.get('timeout_ms'), raise_errors=False)
    if op == 'create_partitions':
        # {name: count}, or {name: {count, assignments}} to place the new partitions.
        requested = {name: t if 'assignments' in t else t['count'] for name, t in step['topics'].items()}
        return admin.create_partitions(requested, timeout_ms=step.get('timeout_ms'), validate_only=step.get('validate_only', False), raise_errors=False)
    if op == 'describe_configs':
        resources = [ConfigResource(ConfigResourceType[r['type'].upper()], r['name'], r.get('configs')) for r in step['resources']]
        return admin.describe_configs(resources, include_synonyms=step.get('synonyms', False), config_filter=step.get('filter', 'modified'))
    if op == 'alter_configs':
        resources = [ConfigResource(ConfigResourceType[r['type'].upper()], r['name'], r['configs']) for r in step['resources']]
        return admin.alter_configs(resources, validate_only=step.get('validate_only', False))
    if op == 'create_acls':
        return admin.create_acls([acl(a, False) for a in step['acls']])
    if op == 'describe_acls':
        acls, error = admin.describe_acls(acl(step['acls'][0], True))
        return {'acls': sorted((plain(a) for a in acls), key=json.dumps), 'error': error}
    if op == 'delete_acls':
        # Per filter: the ACLs it removed (Kafka lists them in no fixed order) and its error.
        return [{'acls': sorted((plain(a) for a in matched), key=json.dumps), 'error': error}
                for _, matched, error in admin.delete_acls([acl(a, True) for a in step['acls']])]
    if op == 'elect_leaders':
        return admin.elect_leaders(step['type'], partitions_of(step.get('partitions')), raise_errors=False)
    if op == 'alter_partition_reassignments':
        reassignments = {TopicPartition(*(lambda t, p: (t, int(p)))(*key.rsplit(':', 1))): replicas for key, replicas in step['reassignments'].items()}
        return admin.alter_partition_reassignments(reassignments, timeout_ms=step.get('timeout_ms'))
    if op == 'list_partition_reassignments':
        return admin.list_partition_reassignments(partitions_of(step.get('partitions')))
    if op == 'describe_log_dirs':
        return admin.describe_log_dirs(partitions_of(step.get('partitions')), brokers=step.get('brokers'))
    if op == 'alter_replica_log_dirs':
        return admin.alter_replica_log_dirs({(t, p, b): path for t, p, b, path in step['moves']})
    if op == 'describe_metadata_quorum':
        return admin.describe_metadata_quorum()
    if op == 'describe_cluster':
        return admin.describe_cluster()
    if op == 'alter_user_scram_credentials':
        return admin.alter_user_scram_credentials([scram(a) for a in step['alterations']])
    if op == 'describe_user_scram_credentials':
        described = admin.describe_user_scram_credentials(step.get('users'))
        # Kafka lists a user's mechanisms in no fixed order.
        return {user: {'error': info['error'], 'credentials': sorted([c['mechanism'].name, c['iterations']] for c in info['credential_infos'])}
                for user, info in described.items()}
    raise ValueError(f'unknown op {op}')


def by_name(result):
    """Kafka answers CreateTopics, DeleteTopics and CreatePartitions per topic in no fixed order: by name."""
    if isinstance(result, dict):
        for field in ('topics', 'results'):
            if isinstance(result.get(field), list):
                result[field] = sorted(result[field], key=lambda t: str(t.get('name')) if isinstance(t, dict) else json.dumps(t))
    return result


for step in steps:
    try:
        result = plain(run(step))
        emit(op=step['op'], result=by_name(result) if step['op'] in ('create_topics', 'delete_topics', 'create_partitions') else result)
    except KafkaError as error:
        emit(op=step['op'], error=type(error).__name__, message=str(error))
admin.close()
