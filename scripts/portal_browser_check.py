#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol through the portal's real forms at
phone width, and checks what a cadre reads against the store.

Run by portal-browser-check.sh, which starts the server. Exits non-zero on the first
failed check; prints one line per check and a closing 'N passed, N failed' line.
"""
import argparse
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

import websocket

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def expected(store, cadre):
    """The cadre's December figures as the store has them."""
    db = sqlite3.connect(store)
    run_id, = db.execute("SELECT id FROM run WHERE month = '2020-12' AND state != 'superseded'").fetchone()
    seq, points, tier, net_fen, name = db.execute(
        "SELECT seq, points, tier, netFen, name FROM cadreResult WHERE runID = ? AND cadreID = ?", (run_id, cadre)).fetchone()
    total = Decimal(points).normalize()
    total_text = format(total, "f")
    net = f"{net_fen // 100:,}.{net_fen % 100:02d}"
    # The items the cadre has records for, and every pay line, in the order stored.
    items = [n for n, in db.execute(
        "SELECT i.name FROM scoreLine l JOIN scoreItem i ON i.runID = l.runID AND i.seq = l.item"
        " WHERE l.runID = ? AND l.cadreSeq = ? AND i.kind = 'item' AND l.recordCount > 0 ORDER BY l.seq", (run_id, seq))]
    pay = [n for n, in db.execute(
        "SELECT i.name FROM payLine l JOIN payItem i ON i.runID = l.runID AND i.seq = l.item"
        " WHERE l.runID = ? AND l.cadreSeq = ? ORDER BY l.seq", (run_id, seq))]
    return total_text, tier, net, items, pay, name


class Browser:
    def __init__(self, out):
        self.dir = tempfile.mkdtemp(prefix="jifen-chromium-")
        port = 9222 + os.getpid() % 500
        self.proc = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--remote-debugging-port={port}", f"--user-data-dir={self.dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                page = next(t for t in targets if t["type"] == "page")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events = []
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=360, height=780, deviceScaleFactor=2, mobile=True)

    def call(self, method, **params):
        self.next_id += 1
        my = self.next_id
        self.ws.send(json.dumps({"id": my, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_load(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == "Page.loadEventFired":
                    del self.events[: i + 1]
                    return
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("page did not load")

    def goto(self, url):
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_load()

    def js(self, expr):
        return self.call("Runtime.evaluate", expression=expr, returnByValue=True)["result"].get("value")

    def submit(self, form_selector, fields):
        """Fills a form's fields as a person would and submits it (the page has no script of its own)."""
        self.events.clear()
        assignments = ";".join(f"f.querySelector({json.dumps('[name=' + n + ']')}).value = {json.dumps(v)}" for n, v in fields.items())
        self.js(f"(() => {{ const f = document.querySelector({json.dumps(form_selector)}); {assignments}; f.requestSubmit(); }})()")
        self.wait_load()

    def screenshot(self, path, full=True):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=full)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait()
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--cadre", required=True)
    p.add_argument("--code", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--staff", required=True)
    p.add_argument("--staff-password", required=True)
    a = p.parse_args()
    total, tier, net, items, pay, name = expected(a.store, a.cadre)
    b = Browser(a.out)
    try:
        b.goto(a.base + "/activate")
        b.submit("form[action='/activate']", {"cadre": a.cadre, "code": a.code, "password": "browser-pass-1", "password2": "browser-pass-1"})
        path = b.js("location.pathname")
        check(path == f"/cadre/{a.cadre}/2020-12", f"activation lands on the cadre's December page ({path})")
        text = b.js("document.body.innerText")
        check(name in text, "the page names the cadre")
        check(f"{total} 分" in text, f"the total {total} is shown")
        check(tier in text, f"the tier {tier} is shown")
        check(f"{net} 元" in text, f"net pay {net} is shown")
        missing = [i for i in items if i not in text]
        check(not missing, f"every item with records is listed ({len(items)}){' missing ' + ','.join(missing) if missing else ''}")
        missing = [l for l in pay if l not in text]
        check(not missing, f"every pay line is listed ({len(pay)})")
        check("公示中" in text, "the 公示 status is shown")
        check(b.js("document.querySelector('svg') !== null"), "the chart is drawn")
        width = b.js("[document.documentElement.scrollWidth, window.innerWidth]")
        check(width[0] <= width[1], f"nothing is wider than the 360-px screen ({width[0]} ≤ {width[1]})")
        os.makedirs(a.out, exist_ok=True)
        shot = os.path.join(a.out, "cadre-360.png")
        b.screenshot(shot)
        check(os.path.getsize(shot) > 10_000, f"screenshot written: {shot}")
        b.screenshot(os.path.join(a.out, "cadre-360-top.png"), full=False)
        b.js("document.getElementById('pay').scrollIntoView()")
        b.screenshot(os.path.join(a.out, "cadre-360-pay.png"), full=False)
        b.js("document.getElementById('hist').scrollIntoView()")
        b.screenshot(os.path.join(a.out, "cadre-360-chart.png"), full=False)
        # Object to the first record, as a person would with the form.
        ref = b.js("[...document.querySelectorAll('#reference option')].find(o => o.value.startsWith('record:')).value")
        b.submit("form[action$='/objections']", {"reference": ref, "reason": "浏览器检查：这条记录有误"})
        text = b.js("document.body.innerText")
        check("申诉已提交" in text and "浏览器检查：这条记录有误" in text and "待处理" in text, "the objection is recorded and shown as open")
        b.js("document.getElementById('objections').scrollIntoView()")
        b.screenshot(os.path.join(a.out, "cadre-360-objection.png"), full=False)
        # Staff answer it from the queue, on the same phone.
        b.submit("header form[action='/logout']", {})
        b.submit("form[action='/login']", {"username": a.staff, "password": a.staff_password})
        b.goto(a.base + "/staff/objections")
        check("浏览器检查：这条记录有误" in b.js("document.body.innerText"), "staff see the objection in the queue")
        b.js("document.querySelector('form[action$=\"/decide\"] textarea').value = '经核实，当日考勤记录无误'")
        b.events.clear()
        b.js("(() => { const f = document.querySelector('form[action$=\"/decide\"]'); f.requestSubmit(f.querySelector('button[value=rejected]')); })()")
        b.wait_load()
        check("经核实，当日考勤记录无误" in b.js("document.body.innerText"), "the reply is recorded")
        # The cadre logs in again and reads the outcome.
        b.submit("header form[action='/logout']", {})
        b.submit("form[action='/login']", {"username": a.cadre, "password": "browser-pass-1"})
        b.goto(a.base + f"/cadre/{a.cadre}/2020-12")
        text = b.js("document.body.innerText")
        check("经核实，当日考勤记录无误" in text and "未采纳" in text, "the cadre sees the reply and the outcome")
        b.js("document.getElementById('objections').scrollIntoView()")
        b.screenshot(os.path.join(a.out, "cadre-360-reply.png"), full=False)
        # The cadre objects to the tier; staff accept it with +2 points and re-run the month.
        b.submit("form[action$='/objections']", {"reference": "tier", "reason": "浏览器检查：12月20日协助防汛未计分"})
        b.submit("header form[action='/logout']", {})
        b.submit("form[action='/login']", {"username": a.staff, "password": a.staff_password})
        b.goto(a.base + "/staff/objections")
        prefilled = b.js("document.querySelector('form[action$=\"/decide\"] input[name=reason]').value")
        check(prefilled == "浏览器检查：12月20日协助防汛未计分", "the adjustment's reason is prefilled from the objection")
        width = b.js("[document.documentElement.scrollWidth, window.innerWidth]")
        check(width[0] <= width[1], f"the decision form fits the 360-px screen ({width[0]} ≤ {width[1]})")
        b.screenshot(os.path.join(a.out, "staff-360-decide.png"))
        b.js("(() => { const f = document.querySelector('form[action$=\"/decide\"]'); f.querySelector('textarea').value = '经核实属实，加 2 分'; f.querySelector('[name=points]').value = '+2'; })()")
        b.events.clear()
        b.js("(() => { const f = document.querySelector('form[action$=\"/decide\"]'); f.requestSubmit(f.querySelector('button[value=adjustment]')); })()")
        b.wait_load()
        check("调整已保存" in b.js("document.body.innerText"), "the adjustment is saved, pending a re-run")
        b.goto(a.base + "/staff/runs/2020-12")
        check("待计入" in b.js("document.body.innerText"), "the run page lists the pending adjustment")
        b.submit("form[action$='/rerun']", {})
        # The portal queues the re-run for a separate jifen process and the page reloads
        # itself every 2 s while it runs; read it until the outcome shows.
        text = b.js("document.body.innerText")
        check("请求 #" in text or "已重新计算" in text, "重新计算 shows the queued re-run in progress")
        url = b.js("location.href").split("#")[0]
        for _ in range(120):
            if "已重新计算" in text or "未完成" in text:
                break
            time.sleep(1)
            b.goto(url)
            text = b.js("document.body.innerText")
        check("已重新计算" in text and "已计入" in text, "重新计算 makes a new draft that includes the adjustment")
        b.screenshot(os.path.join(a.out, "staff-360-rerun.png"), full=False)
        b.goto(a.base + "/staff")
        b.submit("form[action='/staff/runs/2020-12/publish']", {"days": "5"})
        b.submit("header form[action='/logout']", {})
        b.submit("form[action='/login']", {"username": a.cadre, "password": "browser-pass-1"})
        b.goto(a.base + f"/cadre/{a.cadre}/2020-12")
        text = b.js("document.body.innerText")
        raised = format((Decimal(total) + 2).normalize(), "f")
        check(f"{raised} 分" in text, f"after publishing again the cadre's total is {raised}")
        check("调整 +2 分" in text and "已计入" in text, "the cadre sees the objection resolved with the adjustment")
        b.js("document.getElementById('objections').scrollIntoView()")
        b.screenshot(os.path.join(a.out, "cadre-360-adjusted.png"), full=False)
    finally:
        b.close()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
