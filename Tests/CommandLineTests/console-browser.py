#!/usr/bin/env python3
"""Drives the operator console in headless Chromium, as an operator would: through the
gateway, signing in on the OIDM emulator's form, finding a FAILED request, rerunning it,
signing out. Prints one line per step; exits non-zero at the first step that fails.

Usage: console-browser.py GATEWAY_URL PASSWORD FAILED_REQUEST_ID ARTEFACT_DIR
"""
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

gateway, password, failed, artefacts = sys.argv[1:5]
os.makedirs(artefacts, exist_ok=True)


def step(text):
    print(text, flush=True)


options = webdriver.ChromeOptions()
options.add_argument("--headless=new")
options.add_argument("--no-sandbox")  # the tests may run as root
options.add_argument("--disable-gpu")
options.add_argument("--disable-dev-shm-usage")
options.add_argument("--window-size=1280,900")
options.binary_location = os.environ.get("OMS_CHROMIUM", "/usr/bin/chromium")
driver = webdriver.Chrome(service=Service(os.environ.get("OMS_CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
wait = WebDriverWait(driver, 20)
try:
    # Not signed in: the console sends the browser to the identity provider's form.
    driver.get(gateway + "/ops")
    wait.until(EC.presence_of_element_located((By.NAME, "username")))
    assert "/oauth2/rest/authorize" in driver.current_url, driver.current_url
    step("sign-in form: " + driver.current_url.split("?")[0])
    driver.find_element(By.NAME, "username").send_keys("alice")
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()

    # Back where it asked to go, signed in: the overview lists the latest failures.
    wait.until(EC.url_to_be(gateway + "/ops"))
    wait.until(EC.presence_of_element_located((By.ID, "r-" + failed)))
    step("signed in, landed on " + driver.current_url)
    cookies = {c["name"]: c for c in driver.get_cookies()}
    session = cookies.get("oms_session")
    assert session and session["httpOnly"] and session.get("sameSite") == "Lax", cookies
    assert "oms_signin" not in cookies, cookies
    step("session cookie: HttpOnly, SameSite=Lax")
    driver.save_screenshot(os.path.join(artefacts, "overview-1280.png"))
    driver.set_window_size(800, 900)
    driver.save_screenshot(os.path.join(artefacts, "overview-800.png"))
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 800, width
    step("overview at 800 px, page width %d" % width)
    driver.set_window_size(1280, 900)

    # Find it by id with the search box, and open it.
    search = driver.find_element(By.NAME, "q")
    search.send_keys(failed)
    search.submit()
    row = wait.until(EC.presence_of_element_located((By.ID, "r-" + failed)))
    assert "FAILED" in row.text, row.text
    row.find_element(By.TAG_NAME, "a").click()
    wait.until(EC.url_contains("/ops/requests/" + failed))
    assert "batch_failed" in driver.page_source
    step("found by id and opened: " + driver.current_url.replace(gateway, ""))
    driver.save_screenshot(os.path.join(artefacts, "detail-1280.png"))

    # The session alone does not make a post: without the form's anti-forgery token (a page
    # elsewhere posting with the browser's cookie) the gateway's core refuses it.
    forged = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/ops/rerun/' + arguments[0], {method: 'POST', body: new URLSearchParams({csrf: 'guess'}), credentials: 'same-origin', redirect: 'manual'})"
        ".then(r => done(r.status)).catch(e => done(String(e)));", failed)
    assert forged == 403, forged
    step("a post without the session's anti-forgery token: %s" % forged)

    # Rerun it: the form carries the session's anti-forgery token.
    form = driver.find_element(By.ID, "rerun")
    token = form.find_element(By.NAME, "csrf").get_attribute("value")
    assert len(token) >= 40, token
    form.find_element(By.TAG_NAME, "button").click()
    notice = wait.until(EC.presence_of_element_located((By.ID, "notice")))
    assert "sent back to work" in notice.text, notice.text
    step("rerun: " + notice.text)
    # The request moves on: its history grows past FAILED (the page reloads itself while it
    # is not final; here it is reloaded by hand).
    for _ in range(50):
        rows = driver.find_elements(By.CSS_SELECTOR, "#history tr")
        statuses = [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows[1:]]
        if "FAILED" in statuses and statuses.index("FAILED") < len(statuses) - 1:
            break
        time.sleep(0.2)
        driver.refresh()
    assert statuses.index("FAILED") < len(statuses) - 1, statuses
    step("moved on: " + " → ".join(statuses))
    driver.save_screenshot(os.path.join(artefacts, "after-rerun.png"))

    # Signed out, the console asks for sign-in again.
    driver.get(gateway + "/oauth2/sign_out")
    wait.until(EC.presence_of_element_located((By.ID, "sign-in")))
    assert "oms_session" not in {c["name"] for c in driver.get_cookies()}
    driver.get(gateway + "/ops")
    wait.until(EC.presence_of_element_located((By.NAME, "username")))
    assert "/oauth2/rest/authorize" in driver.current_url, driver.current_url
    step("signed out, back at the sign-in form")
    print("ALL STEPS PASSED", flush=True)
except Exception as error:  # the step that failed, with what the browser saw
    driver.save_screenshot(os.path.join(artefacts, "failure.png"))
    print("FAILED: %r at %s" % (error, driver.current_url), flush=True)
    print(driver.page_source[:2000], flush=True)
    sys.exit(1)
finally:
    driver.quit()
