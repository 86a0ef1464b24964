"""Python's smtplib sending a message with the given attachment to the benchmark's
Dovecot submission service: implicit TLS and STARTTLS. Prints JSON medians in ms."""
import json
import smtplib
import ssl
import statistics
import sys
import time
from email.message import EmailMessage

path, subs, sub, ca, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
data = open(path, "rb").read()
context = ssl.create_default_context(cafile=ca)


def build():
    message = EmailMessage()
    message["From"] = "demo@webimap.test"
    message["To"] = "demo2@webimap.test"
    message["Subject"] = "smtplib benchmark"
    message.set_content("A message with a large attachment.\n")
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename="attachment.bin")
    return message


def send(mode):
    started = time.perf_counter()
    message = build()
    if mode == "tls":
        smtp = smtplib.SMTP_SSL("localhost", subs, context=context)
    else:
        smtp = smtplib.SMTP("localhost", sub)
        smtp.starttls(context=context)
    smtp.login("demo", "demo-password")
    raw = message.as_bytes()
    smtp.sendmail("demo@webimap.test", ["demo2@webimap.test"], raw)
    smtp.quit()
    return (time.perf_counter() - started) * 1000, len(raw)


result = {}
for mode in ("tls", "starttls"):
    send(mode)  # warm-up, as the browser side has one
    times, size = [], 0
    for _ in range(runs):
        ms, size = send(mode)
        times.append(ms)
    result[mode] = {"ms": statistics.median(times), "bytes": size}
print(json.dumps(result))
