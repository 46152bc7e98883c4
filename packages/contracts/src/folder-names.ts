import { z } from "zod";

const HTML_TAG = /<[^<>]*>/;

/** The text of a user-chosen name: not empty, and no HTML tag. */
export const nameText = () =>
  z
    .string()
    .min(1, "Text cannot be empty")
    .refine((name) => !HTML_TAG.test(name), "Text cannot contain HTML tags");

/**
 * The folder rules of names in which `/` makes virtual folders (prompts, datasets): no empty
 * folder, at either end or between two slashes.
 */
export const withFolderRules = (name: z.ZodString) =>
  name
    .refine((text) => !text.startsWith("/"), "Name cannot start with a slash")
    .refine((text) => !text.includes("//"), "Name cannot contain consecutive slashes")
    .refine((text) => !text.endsWith("/"), "Name cannot end with a slash");
