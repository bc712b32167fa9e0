import { expect, test } from "@playwright/test";

// Runs against a deployed stack (BASE_URL): the page, orchestration behind it, bmad and execution behind that.
test("the page loads and its server is healthy", async ({ page, request }) => {
  expect((await request.get("/health")).ok()).toBe(true);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Nexus" })).toBeVisible();
});

test("a goal is planned through orchestration and bmad", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("textbox", { name: "Goal" }).fill("Summarise weekly meetings");
  await page.getByRole("button", { name: "Plan" }).click();
  const phases = page.getByRole("list", { name: "plan" }).locator("> li");
  await expect(phases).toHaveCount(4);
  await expect(phases.first()).toContainText("analysis");
  await expect(page.getByText("Write the PRD: Summarise weekly meetings")).toBeVisible();
});

test("code runs through orchestration and execution", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("combobox", { name: "Language" }).selectOption("python");
  await page.getByRole("textbox", { name: "Code" }).fill("print(sum(range(10)))");
  await page.getByRole("button", { name: "Run" }).click();
  await expect(page.getByTestId("stdout")).toHaveText("45");
  await expect(page.getByRole("status")).toContainText("exit 0");
});

test("a validation error from bmad is shown to the user", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Plan" }).click();
  await expect(page.getByRole("alert")).toHaveText("goal must be a non-empty string");
});
