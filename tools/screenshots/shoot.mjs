// Screenshots of the dashboard's main pages for docs/ and the README, from a running `lastclick serve --demo`.
// Usage: node shoot.mjs BASE_URL ADMIN_PASSWORD PUBLISHER_PASSWORD OUT_DIR [LANGUAGES]
// LANGUAGES (default "en,fr"): the browser asks for each in turn; English goes to OUT_DIR, another to OUT_DIR/<language>.
// Needs playwright-core (the copy the .NET tests restore works: PLAYWRIGHT_CORE=tests/LastClick.Tests/bin/Debug/net10.0/.playwright/package)
// and Debian's Chromium at /usr/bin/chromium. Talks only to BASE_URL.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

const [base, adminPassword, publisherPassword, root, languages = "en,fr"] = process.argv.slice(2);
const fs = require("node:fs");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const errors = [];

let out = root;
let locale = "en-GB";

async function session(email, password, viewport) {
  const context = await browser.newContext({ baseURL: base, viewport, deviceScaleFactor: 1, locale });
  const page = await context.newPage();
  // The demo's product pictures live on the marketplace's image host, which a machine offline cannot reach.
  page.on("console", m => { if (m.type() === "error" && !m.text().includes("ERR_NAME_NOT_RESOLVED")) errors.push(`${page.url()}: ${m.text()}`); });
  page.on("pageerror", e => errors.push(`${page.url()}: ${e.message}`));
  if (email) {
    await page.goto("/signin");
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", password);
    await page.click("form.stack button[type=submit]");
    await page.waitForURL(u => !u.pathname.startsWith("/signin"));
  }
  return page;
}

async function shot(page, path, name, full = true) {
  const response = await page.goto(path);
  if (!response.ok()) errors.push(`${path}: HTTP ${response.status()}`);
  await page.waitForTimeout(400); // charts draw after their data arrives
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: full });
}

const desktop = { width: 1280, height: 800 };
for (const language of languages.split(",")) {
  out = language === "en" ? root : `${root}/${language}`;
  locale = { en: "en-GB", fr: "fr-FR", pt: "pt-PT", es: "es-ES", ru: "ru-RU" }[language] || language;
  fs.mkdirSync(out, { recursive: true });
  const pub = await session("publisher@demo.lastclick.dev", publisherPassword, desktop);
  await shot(pub, "/p", "publisher-overview");
  await pub.goto("/p/links");
  await pub.selectOption("#program", "aliexpress-ww");
  await pub.fill("#destination", "https://www.aliexpress.com/item/1005006041234567.html");
  await pub.fill("#name", "Newsletter, week 47");
  await pub.fill("#sub1", "newsletter-week-47");
  await pub.click("#create-link");
  await pub.waitForSelector("#tracking-url");
  await pub.waitForTimeout(300);
  await pub.screenshot({ path: `${out}/publisher-link-builder.png`, fullPage: false });
  await pub.goto("/p/commissions");
  const first = await pub.getAttribute("#commissions tbody tr[data-order] a", "href");
  if (first) await shot(pub, first, "publisher-commission-trace");
  await shot(pub, "/p/balance", "publisher-balance");
  await shot(pub, "/p/reports?dimension=sub1", "publisher-reports");
  await shot(pub, "/p/feeds", "publisher-feeds");
  await shot(pub, "/p/best-sellers", "publisher-best-sellers");
  await shot(pub, "/p/links", "publisher-links");
  await shot(pub, "/p/lists?keywords=" + encodeURIComponent("aliexpress coupon code\nsolar garden lights\nalíexpress"), "publisher-keyword-check");

  const admin = await session("admin@demo.lastclick.dev", adminPassword, desktop);
  await shot(admin, "/o", "operator-overview");
  await shot(admin, "/o/moderation", "operator-moderation");
  await shot(admin, "/o/programs/aliexpress-cis", "operator-program-editor", false);
  await shot(admin, "/o/ranking", "operator-ranking");
  await shot(admin, "/o/reports?dimension=publisher", "operator-reports");
  await shot(admin, "/o/claims", "operator-claims");

  const anonymous = await session(null, null, desktop);
  await shot(anonymous, "/programs/aliexpress-ww", "directory-terms-scorecard");
  await shot(anonymous, "/apply", "apply");

  const phone = await session("publisher@demo.lastclick.dev", publisherPassword, { width: 390, height: 844 });
  await shot(phone, "/p", "phone-publisher-overview");
}

await browser.close();
if (errors.length) { console.error(errors.join("\n")); process.exit(1); }
console.log(`screenshots in ${root} (${languages})`);
