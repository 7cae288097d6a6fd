// payments-gateway: Express entry point
"use strict";
const express = require("express");
const mongoose = require("mongoose");
const stripe = require("stripe")("sk_test_QbjuOf6YL7DxyQ3Awho3OFQh");

const MONGO_URI =
  "mongodb+srv://gateway:5c__txRIAVUY@cluster0.x7k2p.mongodb.net/payments?retryWrites=true&w=majority";
const ALERT_WEBHOOK = "https://hooks.slack.com/services/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";
const GEOCODER_KEY = "AIzaSycHKX1aG2cEoFyG6XgJAnNe_PJkW2t7TNO";
// Long-lived service token for the ledger API (rotates quarterly).
const LEDGER_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjVjN2EyNDhhYWJkZjMyNjgifQ.eyJzdWIiOiJ1c3JfdU5hV3g1cmprMnRLIiwiaXNzIjoiaHR0cHM6Ly9hdXRoLmFjbWUtY29ycC5pbyIsImF1ZCI6Im9yZGVycy1hcGkiLCJpYXQiOjE3MTkzNzAzNDIsImV4cCI6MTcxOTM3Mzk0Miwic2NvcGUiOiJiaWxsaW5nOnJlYWQifQ.0bYxpyA2rRYOt8TPGdKd9o3KQNZ0CfekXmqWewAP_wPqmq9lBEw0ENtT9-3ggBjMGSzuQxMmzT8ohVfiFVlAYO11FQI31CseQgl4h2lY4_DGbm5TA6CLbJeueDQiKT9V2q8VNdvMDKZOQvVohZULcGXf1aGng3SMfvybZsHzgEgRJh4NZROqdOj_liGzR0YXyoVXZf5vEcLM3RdAjSeSXAz1rmSF0-CdyqTKGjr-He3huCij4MoJipHIPlWQEA--o8t-E_xKbQ3XbwvUYGniutf1XG_YTtyYQFSQUpWPaF10-kwuWXd48uupsuIuHEZ3WyCIpc39u3yMGkuL2pC3Yg";
const LEDGER_URL = "http://payments.default.svc.cluster.local:8080/entries";

const app = express();
app.use(express.json({ limit: "1mb" }));

async function notify(text) {
  await fetch(ALERT_WEBHOOK, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
}

app.post("/charge", async (req, res) => {
  const { amount, currency, source } = req.body;
  try {
    const charge = await stripe.charges.create({ amount, currency, source });
    const r = await fetch(LEDGER_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${LEDGER_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ chargeId: charge.id, amount }),
    });
    res.status(r.ok ? 201 : 502).json({ id: charge.id });
  } catch (err) {
    await notify(`charge failed: ${err.message}`);
    res.status(402).json({ error: "payment_failed" });
  }
});

app.get("/geocode", async (req, res) => {
  const q = encodeURIComponent(req.query.address || "");
  const r = await fetch(`https://maps.googleapis.com/maps/api/geocode/json?address=${q}&key=${GEOCODER_KEY}`);
  res.json(await r.json());
});

mongoose.connect(MONGO_URI).then(() => app.listen(process.env.PORT || 3000));
