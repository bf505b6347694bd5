# Writes one JSON line per host and task event to the file named by ISOBENCH_FLEET_EVENTS, for
# `isobench fleet run`: the time, the host, the task, its phase (its first tag), what happened, and
# for a failure the reason (the module's msg, or the last lines of stderr) and the exit code.
from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

DOCUMENTATION = '''
    name: isobench_events
    type: notification
    short_description: per-host task events as JSON lines, for isobench fleet run
    description:
      - Appends to the file in the environment variable ISOBENCH_FLEET_EVENTS; does nothing without it.
    requirements:
      - enable in callbacks_enabled
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'isobench_events'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        path = os.environ.get('ISOBENCH_FLEET_EVENTS')
        self._out = open(path, 'a', buffering=1) if path else None

    def _write(self, event, host, task, result=None):
        if self._out is None:
            return
        tags = [t for t in (task.tags or []) if t not in ('always', 'never')]
        line = {'time': time.time(), 'host': host, 'task': task.get_name(), 'phase': tags[0] if tags else '', 'event': event}
        if result is not None:
            r = result._result
            if 'rc' in r:
                line['rc'] = r['rc']
            reason = (r.get('stderr') or '').strip().splitlines()[-6:] if r.get('stderr') else []
            msg = r.get('msg')
            if isinstance(msg, str) and msg and msg != 'non-zero return code':
                reason = [msg] + reason
            if event != 'ok' and reason:
                line['reason'] = '\n'.join(reason)
        self._out.write(json.dumps(line) + '\n')

    def v2_runner_on_start(self, host, task):
        self._write('start', host.get_name(), task)

    def v2_runner_on_ok(self, result):
        self._write('ok', result._host.get_name(), result._task, result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write('ignored' if ignore_errors else 'failed', result._host.get_name(), result._task, result)

    def v2_runner_on_unreachable(self, result):
        self._write('unreachable', result._host.get_name(), result._task, result)

    def v2_runner_on_skipped(self, result):
        self._write('skipped', result._host.get_name(), result._task, result)
