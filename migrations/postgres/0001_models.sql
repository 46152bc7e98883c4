CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text,
	"model_name" text NOT NULL,
	"match_pattern" text NOT NULL,
	"start_date" timestamp (3),
	"unit" text,
	"tokenizer_id" text,
	"tokenizer_config" jsonb,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "models_project_id_model_name_start_date_unit_key" UNIQUE NULLS NOT DISTINCT("project_id","model_name","start_date","unit")
);
--> statement-breakpoint
CREATE TABLE "prices" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"pricing_tier_id" text NOT NULL,
	"usage_type" text NOT NULL,
	"price" numeric NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "prices_model_id_usage_type_pricing_tier_id_key" UNIQUE("model_id","usage_type","pricing_tier_id")
);
--> statement-breakpoint
CREATE TABLE "pricing_tiers" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"name" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"priority" integer NOT NULL,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp (3) DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) DEFAULT now() NOT NULL,
	CONSTRAINT "pricing_tiers_model_id_priority_key" UNIQUE("model_id","priority"),
	CONSTRAINT "pricing_tiers_model_id_name_key" UNIQUE("model_id","name")
);
--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prices" ADD CONSTRAINT "prices_pricing_tier_id_pricing_tiers_id_fk" FOREIGN KEY ("pricing_tier_id") REFERENCES "public"."pricing_tiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pricing_tiers" ADD CONSTRAINT "pricing_tiers_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "prices_pricing_tier_id_idx" ON "prices" USING btree ("pricing_tier_id");