/// The console's Mustache templates. `{{{body}}}` in the layout is the only unescaped value:
/// a page this code rendered, with its own values escaped.
enum OpsTemplates {
    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}<meta http-equiv="refresh" content="15">{{/refresh}}
        <title>{{title}} — OMS operations</title>
        <style>
        * { box-sizing: border-box; }
        body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
        header { background: #223; color: #fff; padding: 0.6em 1.5em; display: flex; flex-wrap: wrap; gap: 1.2em; align-items: center; }
        header a { color: #fff; text-decoration: none; } header .grow { flex: 1; }
        main { padding: 1em 1.5em; max-width: 1400px; }
        .scroll { overflow-x: auto; margin-bottom: 1.5em; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        code { word-break: break-all; }
        pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; max-width: 100%; }
        .FAILED { color: #a00; } .REJECTED { color: #a60; } .COMPLETED { color: #070; } .UNCERTAIN { color: #a60; font-weight: bold; }
        .notice { background: #eef6ee; padding: 0.5em 1em; }
        .warning { background: #fff4e0; padding: 0.5em 1em; }
        form.filters { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: end; margin-bottom: 1em; }
        form.filters label { display: flex; flex-direction: column; font-size: 0.9em; }
        ul { margin: 0; padding-left: 1.2em; }
        .charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
        .chart { flex: 1 1 360px; max-width: 640px; } .chart svg { width: 100%; height: auto; }
        </style>
        </head>
        <body>
        <header><b>OMS operations</b><a href="/ops">Overview</a><a href="/ops/requests">Requests</a><a href="/ops/requests?status=FAILED">Failed</a><a href="/ops/requests?status=UNCERTAIN">Uncertain</a>
        <span class="grow"></span><form method="get" action="/ops/requests"><input name="q" placeholder="request id or idempotency key" size="30" aria-label="search"></form>
        <a href="/oauth2/sign_out">Sign out</a></header>
        <main>
        {{#notice}}<p class="notice" id="notice">{{notice}}</p>{{/notice}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let overview = """
        <h1>Overview</h1>
        <div class="scroll"><table id="counts">
        <tr><th>status</th><th>requests</th></tr>
        {{#counts}}<tr><td><a href="{{link}}">{{status}}</a></td><td>{{count}}</td></tr>
        {{/counts}}
        </table></div>
        {{#backlog}}<p id="outbox">Final-status events waiting for Kafka: <b>{{unsent}}</b>{{#oldest}}, the oldest written {{oldest}} ({{age}} ago){{/oldest}}.</p>{{/backlog}}
        {{{charts}}}
        <h2>Latest failures</h2>
        {{#noneFailed}}<p id="none">Nothing has failed.</p>{{/noneFailed}}
        {{^noneFailed}}<div class="scroll"><table id="failures">
        <tr><th>request</th><th>source / type</th><th>updated</th></tr>
        {{#failed}}<tr id="r-{{id}}"><td><a href="{{link}}"><code>{{id}}</code></a></td><td>{{source}} / {{documentType}}</td><td>{{updatedAt}}</td></tr>
        {{/failed}}
        </table></div>
        <p><a href="/ops/requests?status=FAILED">All failed requests</a></p>{{/noneFailed}}
        """

    static let list = """
        <h1>Requests</h1>
        <form class="filters" method="get" action="/ops/requests" id="filters">
        <label>status <select name="status"><option value="">any</option>{{#statuses}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/statuses}}</select></label>
        <label>source <input name="source" value="{{source}}" size="10"></label>
        <label>document type <input name="type" value="{{type}}" size="10"></label>
        <label>created from (UTC) <input type="datetime-local" name="from" value="{{from}}"></label>
        <label>to <input type="datetime-local" name="to" value="{{to}}"></label>
        <label>id or idempotency key <input name="q" value="{{q}}" size="24"></label>
        <button type="submit">Filter</button> <a href="/ops/requests">clear</a>
        </form>
        {{#dropped}}<p class="warning" id="dropped">A filter value was not understood and was left out.</p>{{/dropped}}
        {{#empty}}<p id="none">No request matches.</p>{{/empty}}
        {{^empty}}<div class="scroll"><table id="requests">
        <tr><th>request</th><th>status</th><th>source / type</th><th>created</th><th>updated</th><th>attempts</th></tr>
        {{#rows}}<tr id="r-{{id}}"><td><a href="{{link}}"><code>{{id}}</code></a></td><td class="{{status}}">{{status}}</td><td>{{source}} / {{documentType}}</td><td>{{createdAt}}</td><td>{{updatedAt}}</td><td>{{attempts}}</td></tr>
        {{/rows}}
        </table></div>
        {{/empty}}
        {{#window}}<p class="warning" id="window">These filters together were checked against the newest {{window}} requests of the first one only; older requests may match too.</p>{{/window}}
        {{#older}}<p><a id="older" href="{{older}}">Older requests →</a></p>{{/older}}
        {{#canBulk}}<form method="post" action="/ops/rerun" id="bulk">{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}
        <button type="submit">Rerun the FAILED requests this filter selects…</button></form>{{/canBulk}}
        """

    static let confirm = """
        <h1>Rerun failed requests</h1>
        {{#none}}<p id="count">No FAILED request matches this filter.</p>{{/none}}
        {{^none}}<p id="count">Send <b>{{count}}</b> FAILED request(s) back to work{{#criteria.0}}, those matching:{{/criteria.0}}</p>
        <ul>{{#criteria}}<li>{{.}}</li>{{/criteria}}</ul>
        {{#capped}}<p class="warning">At most {{limit}} are rerun at once; confirm again for the rest.</p>{{/capped}}
        <form method="post" action="/ops/rerun" id="confirm">{{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}<input type="hidden" name="confirm" value="yes">{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}
        <button type="submit">Rerun {{count}}</button></form>{{/none}}
        <p><a href="{{back}}">Back to the list</a></p>
        """

    static let detail = """
        <h1>Request <code>{{id}}</code> <span class="{{status}}">{{status}}</span></h1>
        {{#rerunnable}}<form method="post" action="/ops/rerun/{{id}}" id="rerun">{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}<button type="submit">Rerun</button></form>{{/rerunnable}}
        {{#uncertain}}<div class="warning" id="uncertain"><p><b>Submission uncertain.</b> Nobody can tell whether Thunderhead took batch <code>{{batchName}}</code>: its lookup was not available, or the last attempt ended without an answer (see the failures below). Look for the batch in Thunderhead, then either:</p>
        <form method="post" action="/ops/resolve/{{id}}" id="confirm-batch"><input type="hidden" name="action" value="confirm">{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}
        <label>Batch id found in Thunderhead <input name="batch_id" required maxlength="128" size="16"></label> <button type="submit">Confirm: follow that batch</button></form>
        <form method="post" action="/ops/resolve/{{id}}" id="resubmit"><input type="hidden" name="action" value="resubmit">{{#csrf}}<input type="hidden" name="csrf" value="{{csrf}}">{{/csrf}}<button type="submit">Resubmit: the batch is not there</button></form></div>{{/uncertain}}
        <div class="scroll"><table id="fields">{{#fields}}<tr><th>{{name}}</th><td><code>{{value}}</code></td></tr>
        {{/fields}}</table></div>
        <h2>History</h2>
        <div class="scroll"><table id="history"><tr><th>status</th><th>at</th><th>after the previous</th></tr>
        {{#history}}<tr><td class="{{status}}">{{status}}</td><td>{{at}}</td><td>{{after}}</td></tr>
        {{/history}}</table></div>
        <h2>Failures</h2>
        {{#noFailures}}<p>None recorded.</p>{{/noFailures}}
        {{^noFailures}}<div class="scroll"><table id="errors"><tr><th>at</th><th>step</th><th>attempt</th><th>code</th><th>message</th></tr>
        {{#failures}}<tr><td>{{at}}</td><td>{{step}}</td><td>{{attempt}}</td><td><b>{{code}}</b></td><td>{{message}}{{#detail}}<pre>{{detail}}</pre>{{/detail}}</td></tr>
        {{/failures}}</table></div>{{/noFailures}}
        <h2>Final-status event</h2>
        {{#event}}<p id="event">Event <code>{{id}}</code>, written {{written}}; {{#sent}}published to Kafka {{sent}}.{{/sent}}{{^sent}}waiting in the outbox.{{/sent}}</p><pre>{{payload}}</pre>{{/event}}
        {{^event}}<p id="event">None yet: the request has not reached a final status.</p>{{/event}}
        <h2>Data</h2>
        <pre id="data">{{data}}</pre>
        {{#enrichment}}<h2>Enrichment</h2><pre>{{enrichment}}</pre>{{/enrichment}}
        """
}
