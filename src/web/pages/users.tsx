/** The organisation's users and their roles; owners add people and change roles. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { useSubmission } from "../components/use-submission.js";
import { api } from "../api.js";
import type { Role, Session, UserView } from "../api-types.js";
import { Field, formText } from "../components/field.js";
import { ErrorNote, Loading } from "../components/status.js";
import { roleLabels } from "../labels.js";
import { useTitle } from "../router.js";
import { formatInstant } from "../time-left.js";

const roles = Object.keys(roleLabels) as Role[];

export function Users({ session }: { session: Session }) {
  useTitle("Users");
  const client = useQueryClient();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api<UserView[]>("/api/v1/users") });
  // A refused new user is shown at the form, beside the fields it names; a role change at the top.
  const adding = useSubmission();
  const changing = useSubmission();
  const isOwner = session.role === "owner";

  const add = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const name = formText(form, "name");
    const password = formText(form, "password", { trim: false });
    await adding.run(async () => {
      await api("/api/v1/users", {
        method: "POST",
        body: {
          email: form.get("email"),
          role: form.get("role"),
          ...(name === "" ? {} : { name }),
          ...(password === "" ? {} : { password }),
        },
      });
      formElement.reset();
      await client.invalidateQueries({ queryKey: ["users"] });
      return "User added.";
    });
  };

  const changeRole = (user: UserView, role: Role) =>
    changing.run(async () => {
      await api(`/api/v1/users/${user.userId}`, { method: "PATCH", body: { role } });
      await client.invalidateQueries({ queryKey: ["users"] });
      return `${user.email} is now ${roleLabels[role].split(":")[0] ?? role}.`;
    });

  const fieldError = adding.fieldError;
  return (
    <section>
      <h1>Users of {session.organisation}</h1>
      <p role="status" className="saved">
        {changing.saved}
      </p>
      {changing.error !== null && <ErrorNote error={changing.error} />}
      {users.isPending && <Loading label="Loading the users" />}
      {users.isError && <ErrorNote error={users.error} />}
      {users.isSuccess && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.userId}>
                  <td>
                    {user.name === null || user.name === "" ? user.email : user.name}
                    {user.name !== null && user.name !== "" && (
                      <span className="meta block">{user.email}</span>
                    )}
                  </td>
                  <td>
                    {isOwner && user.userId !== session.userId ? (
                      <RoleChanger user={user} onChange={(role) => void changeRole(user, role)} />
                    ) : (
                      roleLabels[user.role]
                    )}
                  </td>
                  <td>{formatInstant(user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isOwner && (
        <form className="card" onSubmit={(event) => void add(event)} aria-labelledby="add-user-heading">
          <h2 id="add-user-heading">Add a user</h2>
          {adding.error !== null && <ErrorNote error={adding.error} title="The user was not added" />}
          <div className="row">
            <Field label="E-mail" error={fieldError("email")}>
              <input name="email" type="email" required />
            </Field>
            <Field label="Name" error={fieldError("name")}>
              <input name="name" />
            </Field>
          </div>
          <div className="row">
            <Field label="Role" error={fieldError("role")}>
              <select name="role" defaultValue="handler">
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {roleLabels[role]}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Password"
              hint="At least 12 characters. Without one they cannot sign in to the desk (API tokens only)."
              error={fieldError("password")}
            >
              <input name="password" type="password" autoComplete="new-password" minLength={12} />
            </Field>
          </div>
          <button type="submit" className="primary" aria-disabled={adding.busy}>
            Add the user
          </button>
          <p role="status" className="saved">
            {adding.saved}
          </p>
        </form>
      )}
    </section>
  );
}

/** A role is changed by a button, not by moving through the list (arrow keys change a closed select). */
function RoleChanger({ user, onChange }: { user: UserView; onChange: (role: Role) => void }) {
  const [role, setRole] = useState<Role>(user.role);
  return (
    <span className="role-changer">
      <select
        aria-label={`Role of ${user.email}`}
        value={role}
        onChange={(event) => setRole(event.target.value as Role)}
      >
        {roles.map((each) => (
          <option key={each} value={each}>
            {roleLabels[each]}
          </option>
        ))}
      </select>{" "}
      <button type="button" disabled={role === user.role} onClick={() => onChange(role)}>
        Change<span className="visually-hidden"> the role of {user.email}</span>
      </button>
    </span>
  );
}
