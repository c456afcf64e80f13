// A client an integrator would write: types generated from /openapi/v1.json by openapi-typescript, calls made with
// openapi-fetch, compiled by tsc --strict. ApiClientGenerationTests runs it against a live server and checks its output.
import createClient from "openapi-fetch";
import { get } from "node:http";
import type { components, paths } from "./schema.js";

const [baseUrl, marketplaceKey, publisherKey] = process.argv.slice(2);
const marketplace = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${marketplaceKey}` } });
const publisher = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${publisherKey}` } });

/** A browser's navigation to a tracking URL (node:http: fetch would add Sec-Fetch-Mode: cors, which no link click sends). */
function visit(url: string): Promise<{ status: number; cookies: string[] }> {
  const headers = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", Accept: "text/html", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document" };
  return new Promise((resolve, reject) =>
    get(url, { headers }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, cookies: response.headers["set-cookie"] ?? [] });
    }).on("error", reject));
}

async function main(): Promise<void> {
  // A link with a sub id; a visitor follows it (the redirect stores the click and sets the visitor cookie).
  const link = await publisher.POST("/api/v1/links", {
    body: { program: "aliexpress-ww", destination: "https://www.aliexpress.com/item/1005006041234567.html", sub1: "ts-client", sub2: null, sub3: null, sub4: null, sub5: null },
  });
  if (!link.data) throw new Error(`link: ${JSON.stringify(link.error)}`);
  const click = await visit(link.data.trackingUrl);
  const visitor = /lc_vid=([A-Za-z0-9]+)/.exec(click.cookies.join(";"))?.[1] ?? null;

  // The marketplace sends the visitor's order (a moment after the click) and its payment.
  const now = new Date(Date.now() + 1000).toISOString();
  const order: components["schemas"]["OrderRequest"] = {
    id: "ts-order-1", visitor, clickId: null, at: now, currency: "EUR", deliveryCountry: "DE",
    lines: [{ id: "l1", productId: "p1", category: "Mobile phone accessories", store: null, price: "40.00", quantity: 2, affiliated: null, sellerRate: null, virtual: null, section: null, sellerOrigin: null }],
  };
  const placed = await marketplace.POST("/api/v1/marketplace/orders", { body: order });
  if (!placed.data) throw new Error(`order: ${JSON.stringify(placed.error)}`);
  const paid = await marketplace.POST("/api/v1/marketplace/events", { body: { id: "ts-event-1", order: order.id, type: "paid", at: now, line: null, amount: null } });
  if (!paid.data) throw new Error(`event: ${JSON.stringify(paid.error)}`);
  const refused = await marketplace.POST("/api/v1/marketplace/orders", { body: { ...order, id: "ts-order-2", lines: [{ ...order.lines[0], price: "-1" }] } });

  // The publisher reads a filtered report and its commissions.
  const report = await publisher.GET("/api/v1/reports/{dimension}", { params: { path: { dimension: "day" }, query: { subid1: "ts-client", currency: "USD", order_by: "-day" } } });
  // The document says a report comes as JSON or, asked for, as CSV text: without format=csv it is the JSON.
  if (!report.data || typeof report.data === "string") throw new Error(`report: ${JSON.stringify(report.error)}`);
  const commissions = await publisher.GET("/api/v1/commissions", { params: { query: { status: "pending", sub1: "ts-client", limit: 10 } } });
  if (!commissions.data) throw new Error(`commissions: ${JSON.stringify(commissions.error)}`);

  const result = {
    redirect: click.status,
    visitor: visitor !== null,
    status: placed.data.status,
    commission: placed.data.commission,
    currency: placed.data.currency,
    afterEvent: paid.data.order.status,
    refused: refused.response.status,
    refusedField: (refused.error as { field?: string } | undefined)?.field ?? null,
    reportClicks: report.data.totals.clicks,
    reportOrders: report.data.totals.orders,
    reportSales: report.data.totals.sales,
    commissions: commissions.data.map((c) => c.id),
  };
  console.log(JSON.stringify(result));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
